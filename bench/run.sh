#!/usr/bin/env bash
# Modelplane serving benchmark (issue 3, "Bench" and "Done when"): iris-classifier /invocations through worker-process
# replicas at several concurrencies against a bare Kestrel JSON echo measured with wrk in the same run; adaptive batching
# on vs off; cold start from zero replicas; resident memory of the node and of one replica; a chart. See bench/README.md.
#
#   bench/run.sh                      # writes bench/results/<date>.md, and .dat/.gp/.png beside it
#
# Environment knobs (defaults in brackets): DURATION [10] and WARMUP [3] seconds per wrk run; GLOBAL_WARMUP [5] seconds
# per server and body before the first measurement; CONCS ["1 8 32 128"] concurrencies of the one-row sweep;
# HEAVY_CONCS ["32"] concurrencies for the 150-row body; BATCH_CONCS ["32"] concurrencies of the batching pair;
# BATCH_SIZE [32] and BATCH_DELAY_MS [2] for the batched endpoint; COLD_REPEATS [3] cold starts; COLD_IDLE_MINUTES
# [0.05] and AUTOSCALE_INTERVAL [0.5] (node settings Modelplane:Serving:ScaleToZeroIdleMinutes / AutoscaleIntervalSeconds);
# ECHO_PORT [5077]; NODE_PORT [18080]; DIAG [1] also runs the GET diagnostics (auth and middleware cost); NODE_ENV [empty]
# extra NAME=VALUE settings for the node's environment, recorded in the results; QUIET_WAIT [120] seconds to wait for
# other work on the machine to stop before measuring; NOISY_RETRIES [2] times a group is measured again when other work
# used NOISY_CORES [0.3] cores or more during it, within RETRY_BUDGET [120] seconds of retries in all; RESULTS
# [bench/results/<date>.md]; KEEP_WORK [0] keeps the temp dir (node data dir, logs, raw wrk outputs); BENCH_COMMIT
# [from git] names what was measured when the tree is not a git checkout.
#
# Everything runs on 127.0.0.1. Both servers are started by this script and stopped by PID on exit (trap); the node
# stops its worker processes when it stops.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=bench/lib.sh
source bench/lib.sh

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
GLOBAL_WARMUP=${GLOBAL_WARMUP:-5}
CONCS=${CONCS:-1 8 32 128}
HEAVY_CONCS=${HEAVY_CONCS:-32}
BATCH_CONCS=${BATCH_CONCS:-32}
BATCH_SIZE=${BATCH_SIZE:-32}
BATCH_DELAY_MS=${BATCH_DELAY_MS:-2}
COLD_REPEATS=${COLD_REPEATS:-3}
COLD_IDLE_MINUTES=${COLD_IDLE_MINUTES:-0.05}
AUTOSCALE_INTERVAL=${AUTOSCALE_INTERVAL:-0.5}
ECHO_PORT=${ECHO_PORT:-5077}
NODE_PORT=${NODE_PORT:-18080}
DIAG=${DIAG:-1}
NODE_ENV=${NODE_ENV:-}
KEEP_WORK=${KEEP_WORK:-0}
QUIET_WAIT=${QUIET_WAIT:-120}
NOISY_RETRIES=${NOISY_RETRIES:-2}
NOISY_CORES=${NOISY_CORES:-0.3}
RETRY_BUDGET=${RETRY_BUDGET:-120}
RESULTS=${RESULTS:-}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

CLI_DLL=$ROOT/src/Modelplane.Cli/bin/Release/net10.0/linux-x64/modelplane.dll
ECHO_DLL=$ROOT/bench/EchoServer/bin/Release/net10.0/linux-x64/EchoServer.dll
ECHO_URL=http://127.0.0.1:$ECHO_PORT
NODE_URL=http://127.0.0.1:$NODE_PORT
MODEL=main.default.iris
ENDPOINT=iris-classifier   # the measured endpoint: served entity iris-1 (the default name), Small, batching off
BATCHED=iris-batched       # the same model with max_batch_size/max_batch_delay_ms
COLD=iris-cold             # the same model with scale_to_zero_enabled
NODE_SETTINGS="Modelplane__Serving__ScaleToZeroIdleMinutes=$COLD_IDLE_MINUTES Modelplane__Serving__AutoscaleIntervalSeconds=$AUTOSCALE_INTERVAL"
BENCH_T0=$SECONDS

# --- tools --------------------------------------------------------------------------------------------------------------
install_missing wrk wrk
install_missing gnuplot gnuplot-nox
need_tools curl ps pgrep
ports_free "$ECHO_PORT" "$NODE_PORT"

# --- processes and cleanup ---------------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/modelplane-bench.XXXXXX")
HZ=$(getconf CLK_TCK)
PIDS=()
TOKEN=
cleanup() {
  local status=$?
  if [[ $status != 0 && -n $TOKEN ]]; then
    # What the node knew about its served entities when the bench failed.
    for e in "$ENDPOINT:iris-1" "$BATCHED:$BATCHED" "$COLD:$COLD"; do save_entity_logs "${e%%:*}" "${e#*:}"; done
  fi
  finish "$status" "$WORK"/node.log "$WORK"/echo.log "$WORK"/cli.log "$WORK"/*-logs.json
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build -------------------------------------------------------------------------------------------------------------
log "building src/Modelplane.Cli (with its worker) and bench/EchoServer (Release)"
BUILD_T0=$SECONDS
build_release src/Modelplane.Cli/Modelplane.Cli.csproj
build_release bench/EchoServer/EchoServer.csproj
BUILD_SECONDS=$((SECONDS - BUILD_T0))
[[ -x $(dirname "$CLI_DLL")/worker/Modelplane.Worker ]] || die "the build left no worker at $(dirname "$CLI_DLL")/worker/."

# What was measured: the commit, and whether src/ differed from it when it was built.
set_commit src

# --- request bodies (the same bytes go to the echo and to the node) --------------------------------------------------
CSV=$ROOT/examples/iris/data/iris.csv
make_body() { # rows out
  awk -F, -v n="$1" 'NR == 1 { printf "{\"dataframe_split\":{\"columns\":[\"%s\",\"%s\",\"%s\",\"%s\"],\"data\":[", $1, $2, $3, $4; next }
    NR - 1 <= n { printf "%s[%s,%s,%s,%s]", (NR > 2 ? "," : ""), $1, $2, $3, $4 }
    END { printf "]}}" }' "$CSV" >"$2"
}
make_body 1 "$WORK/iris-1.json"
make_body 150 "$WORK/iris-150.json"

# --- servers ----------------------------------------------------------------------------------------------------------
DATA=$(mktemp -d "$WORK/data.XXXXXX")
log "starting the echo baseline on $ECHO_URL and a node on $NODE_URL (data dir $DATA)"
dotnet "$ECHO_DLL" "$ECHO_PORT" >"$WORK/echo.log" 2>&1 &
ECHO_PID=$!
PIDS+=("$ECHO_PID")
# shellcheck disable=SC2086 # the settings are lists of NAME=VALUE words on purpose.
start_node $NODE_SETTINGS $NODE_ENV
wait_http "$ECHO_URL/" "$ECHO_PID" "the echo server"
wait_node_token

rss_sampler "$NODE_PID" "$WORK/rss-node.txt" &
PIDS+=("$!")
rss_sampler "$ECHO_PID" "$WORK/rss-echo.txt" &
PIDS+=("$!")

mp() { dotnet "$CLI_DLL" "$@" --host "$NODE_URL" --token "$TOKEN" >>"$WORK/cli.log" 2>&1 || die "modelplane $* failed (see cli.log)."; }

# Replica RSS: one sampler per worker pid of an endpoint, appending to rss-worker-<endpoint>.txt; a replica replaced
# during the bench (crash, recycle) gets a sampler of its own and is recorded in REPLACED.
declare -A SAMPLED=()
REPLACED=()
sample_replicas() { # endpoint
  local pid
  for pid in $(replica_pids "$1"); do
    [[ -n ${SAMPLED[$pid]:-} ]] && continue
    if [[ -n ${SAMPLED[first-$1]:-} ]]; then REPLACED+=("$1: new replica pid $pid (first was ${SAMPLED[first-$1]}) seen at $(date -u +%H:%M:%S)"); fi
    SAMPLED[$pid]=$1
    SAMPLED[first-$1]=${SAMPLED[first-$1]:-$pid}
    rss_sampler "$pid" "$WORK/rss-worker-$1.txt" &
    PIDS+=("$!")
  done
}

log "registering examples/iris/model as $MODEL and creating endpoint $ENDPOINT"
mp models register examples/iris/model --name "$MODEL"
mp endpoints create --name "$ENDPOINT" --model "$MODEL" --version 1
mp endpoints wait "$ENDPOINT" --timeout 120
WORKER_PID=$(replica_pids "$ENDPOINT" | cut -d' ' -f1)
[[ -n $WORKER_PID && -r /proc/$WORKER_PID/status ]] || die "endpoint $ENDPOINT is READY but lists no running replica process (replicas[].process_id)."
sample_replicas "$ENDPOINT"

# Idle memory with one endpoint on the node: READY (its replica has run its warm-up inference), no query yet.
sleep 2
RSS_IDLE_NODE=$(rss_now "$NODE_PID")
RSS_IDLE_ECHO=$(rss_now "$ECHO_PID")
RSS_IDLE_WORKER=$(rss_now "$WORKER_PID")
WORKER_CMD=$(tr '\0' ' ' <"/proc/$WORKER_PID/cmdline" | sed "s|$DATA|<data>|g")
log "idle RSS: node $(mib "$RSS_IDLE_NODE") MiB, replica (pid $WORKER_PID) $(mib "$RSS_IDLE_WORKER") MiB, echo $(mib "$RSS_IDLE_ECHO") MiB"

log "creating $BATCHED (max_batch_size $BATCH_SIZE, max_batch_delay_ms $BATCH_DELAY_MS) and $COLD (scale_to_zero_enabled)"
mp endpoints create --name "$BATCHED" --model "$MODEL" --version 1 --served-name "$BATCHED" \
  --max-batch-size "$BATCH_SIZE" --max-batch-delay-ms "$BATCH_DELAY_MS"
mp endpoints create --name "$COLD" --model "$MODEL" --version 1 --served-name "$COLD" --scale-to-zero
mp endpoints wait "$BATCHED" --timeout 120
mp endpoints wait "$COLD" --timeout 120
endpoint_json "$BATCHED" >"$WORK/$BATCHED.json"
grep -q "\"max_batch_size\":$BATCH_SIZE" "$WORK/$BATCHED.json" || die "$BATCHED does not show max_batch_size $BATCH_SIZE: $(cat "$WORK/$BATCHED.json")"
sample_replicas "$BATCHED"

# Correctness before load: both answer 200 to both bodies; the node predicts a species per row.
INVOKE=$NODE_URL/serving-endpoints/$ENDPOINT/invocations
INVOKE_BATCHED=$NODE_URL/serving-endpoints/$BATCHED/invocations
INVOKE_COLD=$NODE_URL/serving-endpoints/$COLD/invocations
invoke() { # url body-file answer-file
  curl -fsS --max-time 200 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary "@$2" "$1" -o "$3"
}
species() { grep -o '"species":"[^"]*"' "$1" | wc -l || true; }
for rows in 1 150; do
  curl -fsS -H 'Content-Type: application/json' --data-binary "@$WORK/iris-$rows.json" "$ECHO_URL/echo" -o "$WORK/echo-answer-$rows.json" \
    || die "the echo refused the $rows-row body."
  invoke "$INVOKE" "$WORK/iris-$rows.json" "$WORK/node-answer-$rows.json" || die "the node refused the $rows-row body."
  got=$(species "$WORK/node-answer-$rows.json")
  [[ $got == "$rows" ]] || die "the node answered $got species for $rows rows."
done
invoke "$INVOKE_BATCHED" "$WORK/iris-1.json" "$WORK/batched-answer-1.json" || die "$BATCHED refused the one-row body."
cmp -s "$WORK/batched-answer-1.json" "$WORK/node-answer-1.json" || die "$BATCHED answered differently from $ENDPOINT."
ACCURACY=$(paste -d' ' <(tail -n +2 "$CSV" | cut -d, -f5) \
  <(grep -o '"species":"[^"]*"' "$WORK/node-answer-150.json" | cut -d'"' -f4) | awk '$1 == $2 { ok++ } END { printf "%d/%d", ok, NR }')
log "150-row answer: $ACCURACY labels match iris.csv"

# --- load runs ----------------------------------------------------------------------------------------------------------
wait_quiet_before_load

# Warm-up of the servers (JIT tiering, pools, ORT arenas) before anything is measured; each run below also has its own.
log "warm-up: ${GLOBAL_WARMUP}s per server and body at -t2 -c32"
for rows in 1 150; do
  BENCH_BODY=$WORK/iris-$rows.json wrk -t2 -c32 -d"${GLOBAL_WARMUP}s" -s bench/post.lua "$ECHO_URL/echo" >/dev/null
  BENCH_BODY=$WORK/iris-$rows.json BENCH_TOKEN=$TOKEN wrk -t2 -c32 -d"${GLOBAL_WARMUP}s" -s bench/post.lua "$INVOKE" >/dev/null
done
BENCH_BODY=$WORK/iris-1.json BENCH_TOKEN=$TOKEN wrk -t2 -c32 -d"${GLOBAL_WARMUP}s" -s bench/post.lua "$INVOKE_BATCHED" >/dev/null

LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
T_LOAD0=$EPOCHREALTIME
# Throughput and latency: echo, then node, per body and concurrency.
for conc in $CONCS; do
  sample_replicas "$ENDPOINT"
  measure_group "$conc" "$WORK/iris-1.json" "echo-r1-c$conc;echo;$ECHO_URL/echo;;" "node-r1-c$conc;node;$INVOKE;$TOKEN;$ENDPOINT"
done
for conc in $HEAVY_CONCS; do
  sample_replicas "$ENDPOINT"
  measure_group "$conc" "$WORK/iris-150.json" "echo-r150-c$conc;echo;$ECHO_URL/echo;;" "node-r150-c$conc;node;$INVOKE;$TOKEN;$ENDPOINT"
done
# Batching: the same one-row body to the unbatched endpoint, then to the batched one.
for conc in $BATCH_CONCS; do
  sample_replicas "$ENDPOINT"
  sample_replicas "$BATCHED"
  measure_group "$conc" "$WORK/iris-1.json" "batch-off-c$conc;node;$INVOKE;$TOKEN;$ENDPOINT" "batch-on-c$conc;node;$INVOKE_BATCHED;$TOKEN;$BATCHED"
done
T_LOAD1=$EPOCHREALTIME
RSS_PEAK_NODE=$(rss_peak "$WORK/rss-node.txt" "$T_LOAD0" "$T_LOAD1")
RSS_PEAK_ECHO=$(rss_peak "$WORK/rss-echo.txt" "$T_LOAD0" "$T_LOAD1")
RSS_PEAK_WORKER=$(rss_peak "$WORK/rss-worker-$ENDPOINT.txt" "$T_LOAD0" "$T_LOAD1")
RSS_PEAK_BATCHED=$(rss_peak "$WORK/rss-worker-$BATCHED.txt" "$T_LOAD0" "$T_LOAD1")

if [[ $DIAG == 1 ]]; then
  for conc in 1 32; do
    run_wrk "diag-echo-get-c$conc" echo "$ECHO_URL/" get.lua "$conc"
    run_wrk "diag-node-live-c$conc" node "$NODE_URL/v2/health/live" get.lua "$conc"
    run_wrk "diag-node-v2-c$conc" node "$NODE_URL/v2" get.lua "$conc" "" "$TOKEN"
  done
fi
LOADAVG_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- cold start from zero ------------------------------------------------------------------------------------------------
# The scale-to-zero endpoint goes to zero replicas COLD_IDLE_MINUTES after its last request. Each round waits until the
# endpoint lists no replica and no worker process of it is left (its replica ids start with "<served name>-"), then
# times one request from send to answer with curl.
COLD_ROWS=() # "round|http code|seconds|seconds at zero before the request|machine cores busy during the request|new pid"
cold_worker_alive() { pgrep -P "$NODE_PID" -f -- "--replica-id $COLD-" >/dev/null 2>&1; }
wait_quiet 30
log "cold start: $COLD_REPEATS rounds (idle time before zero: $COLD_IDLE_MINUTES min, autoscaler every $AUTOSCALE_INTERVAL s)"
for round in $(seq 1 "$COLD_REPEATS"); do
  deadline=$((SECONDS + 120)) polls=0
  while [[ -n $(replica_pids "$COLD") ]] || cold_worker_alive; do
    ((SECONDS < deadline)) || break
    polls=$((polls + 1))
    sleep 0.2
  done
  if [[ -n $(replica_pids "$COLD") ]] || cold_worker_alive; then
    COLD_ROWS+=("$round|no zero|?|?|?|")
    log "cold start $round: $COLD did not reach zero replicas within 120 s"
    continue
  fi
  # How long after the previous cold start's answer the endpoint was seen at zero (polled every ~0.2 s).
  zero_wait="already at zero"
  if ((polls > 0)); then zero_wait="after $polls polls"; fi
  if ((polls > 0)) && [[ -n ${last_answer:-} ]]; then zero_wait=$(awk -v a="$last_answer" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }'); fi
  m0=$(machine_ticks)
  answer=$(curl -sS -o "$WORK/cold-answer-$round.json" -w '%{http_code} %{time_total}' --max-time 200 \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary "@$WORK/iris-1.json" "$INVOKE_COLD" || echo "000 0")
  m1=$(machine_ticks) last_answer=$EPOCHREALTIME
  read -r code seconds <<<"$answer"
  seconds=$(awk -v s="$seconds" 'BEGIN { printf "%.3f", s }')
  busy=$(awk -v d=$((m1 - m0)) -v hz="$HZ" -v t="$seconds" 'BEGIN { if (t > 0) printf "%.2f", d / hz / t; else print "?" }')
  [[ $code == 200 && $(species "$WORK/cold-answer-$round.json") == 1 ]] || log "warning: cold start $round answered $code: $(head -c 300 "$WORK/cold-answer-$round.json")"
  COLD_ROWS+=("$round|$code|$seconds|$zero_wait|$busy|$(replica_pids "$COLD")")
  log "cold start $round: HTTP $code in $seconds s (at zero: $zero_wait; machine busy $busy cores)"
  sleep 0.5
done

sleep 5
sample_replicas "$ENDPOINT"
RSS_AFTER_NODE=$(rss_now "$NODE_PID")
RSS_AFTER_ECHO=$(rss_now "$ECHO_PID")
RSS_AFTER_WORKER=$(rss_now "$(replica_pids "$ENDPOINT" | cut -d' ' -f1)")
WORKER_PID_AFTER=$(replica_pids "$ENDPOINT")
for e in "$ENDPOINT:iris-1" "$BATCHED:$BATCHED" "$COLD:$COLD"; do save_entity_logs "${e%%:*}" "${e#*:}"; done
for e in "$ENDPOINT" "$BATCHED" "$COLD"; do
  curl -sS --max-time 10 -H "Authorization: Bearer $TOKEN" "$NODE_URL/api/2.0/serving-endpoints/$e/metrics" -o "$WORK/metrics-$e.txt" 2>/dev/null || true
done
BENCH_SECONDS=$((SECONDS - BENCH_T0))

# --- results ----------------------------------------------------------------------------------------------------------
set_results ""
# shellcheck source=bench/report.sh
source bench/report.sh
write_chart
write_report >"$RESULTS"
log "wrote $RESULTS and $CHART_PNG"
sed -n '/^## Headline/,/^## Raw/p' "$RESULTS" | sed '$d' | head -n 60
