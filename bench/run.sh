#!/usr/bin/env bash
# Modelplane invocation benchmark (issue 2, "Done when"): iris-classifier /invocations against a bare Kestrel JSON echo,
# both measured with wrk in the same run, plus the node's resident memory idle and under load. See bench/README.md.
#
#   bench/run.sh                      # writes bench/results/<date>.md
#
# Environment knobs (defaults in brackets): DURATION [10] and WARMUP [3] seconds per wrk run; GLOBAL_WARMUP [5]
# seconds per server and body before the first measurement; ECHO_PORT [5077];
# NODE_PORT [18080]; DIAG [1] also runs the GET diagnostics (auth and middleware cost); NODE_ENV [empty] extra
# NAME=VALUE settings for the node's environment (e.g. "Logging__LogLevel__Default=Warning"), recorded in the results;
# QUIET_WAIT [120] seconds to wait for other work on the machine to stop before measuring; NOISY_RETRIES [2] times
# an echo/node pair is measured again when other work used NOISY_CORES [0.3] cores or more during it; RESULTS
# [bench/results/<date>.md]; KEEP_WORK [0] keeps the temp dir (node data dir, logs, raw wrk outputs); BENCH_COMMIT
# [from git] names what was measured when the tree is not a git checkout.
#
# Everything runs on 127.0.0.1. Both servers are started by this script and stopped by PID on exit (trap).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
GLOBAL_WARMUP=${GLOBAL_WARMUP:-5}
ECHO_PORT=${ECHO_PORT:-5077}
NODE_PORT=${NODE_PORT:-18080}
DIAG=${DIAG:-1}
NODE_ENV=${NODE_ENV:-}
KEEP_WORK=${KEEP_WORK:-0}
QUIET_WAIT=${QUIET_WAIT:-120}
NOISY_RETRIES=${NOISY_RETRIES:-2}
NOISY_CORES=${NOISY_CORES:-0.3}
RESULTS=${RESULTS:-}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

CLI_DLL=$ROOT/src/Modelplane.Cli/bin/Release/net10.0/linux-x64/modelplane.dll
ECHO_DLL=$ROOT/bench/EchoServer/bin/Release/net10.0/linux-x64/EchoServer.dll
ECHO_URL=http://127.0.0.1:$ECHO_PORT
NODE_URL=http://127.0.0.1:$NODE_PORT
ENDPOINT=iris-classifier
MODEL=main.default.iris

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- wrk --------------------------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  [[ $(id -u) == 0 ]] || die "wrk is missing; install it (apt-get install -y wrk) or run as root."
  log "wrk is missing: apt-get update && apt-get install -y wrk"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk
fi
command -v curl >/dev/null || die "curl is needed."

for port in "$ECHO_PORT" "$NODE_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port on 127.0.0.1 is already in use."; fi
done

# --- processes and cleanup ---------------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/modelplane-bench.XXXXXX")
PIDS=()
cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ $status != 0 ]]; then
    for f in "$WORK"/node.log "$WORK"/echo.log "$WORK"/cli.log; do
      if [[ -s $f ]]; then log "--- tail of $(basename "$f")"; tail -n 20 "$f" >&2; fi
    done
  fi
  if [[ $KEEP_WORK == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Samples a process's VmRSS (kB) every 200 ms as "<epoch seconds> <kB>" lines until it exits. Bash builtins only, so
# the sampler itself costs next to nothing on the shared cores.
rss_sampler() {
  local pid=$1 out=$2 key value _
  while [[ -r /proc/$pid/status ]]; do
    while read -r key value _; do
      if [[ $key == VmRSS: ]]; then printf '%s %s\n' "$EPOCHREALTIME" "$value" >>"$out"; break; fi
    done <"/proc/$pid/status" 2>/dev/null || true
    sleep 0.2
  done
}
rss_now() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }
# Max sampled RSS (kB) between two epoch times.
rss_peak() { awk -v a="$2" -v b="$3" '$1 >= a && $1 <= b && $2 > m { m = $2 } END { print m + 0 }' "$1"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

wait_http() { # url pid what
  for _ in $(seq 1 300); do
    kill -0 "$2" 2>/dev/null || die "$3 exited during start-up."
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.2
  done
  die "$3 did not answer $1 within 60 s."
}

# --- build -------------------------------------------------------------------------------------------------------------
log "building src/Modelplane.Cli and bench/EchoServer (Release)"
dotnet build src/Modelplane.Cli/Modelplane.Cli.csproj -c Release -nologo -v quiet >"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log" >&2; die "build of src/Modelplane.Cli failed."; }
dotnet build bench/EchoServer/EchoServer.csproj -c Release -nologo -v quiet >>"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log" >&2; die "build of bench/EchoServer failed."; }

# What was measured: the commit, and whether src/ differed from it when it was built.
# BENCH_COMMIT names it when the tree is not a git checkout (e.g. a `git archive` export).
if [[ -n ${BENCH_COMMIT:-} ]]; then
  COMMIT=$BENCH_COMMIT
else
  COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
  if [[ -n $(GIT_OPTIONAL_LOCKS=0 git status --porcelain -- src 2>/dev/null) ]]; then COMMIT="$COMMIT, with uncommitted changes in src/"; fi
fi

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
# shellcheck disable=SC2086 # NODE_ENV is a list of NAME=VALUE words on purpose; env execs dotnet, so the PID is the node.
env $NODE_ENV dotnet "$CLI_DLL" serve --port "$NODE_PORT" --data-dir "$DATA" >"$WORK/node.out" 2>"$WORK/node.log" &
NODE_PID=$!
PIDS+=("$NODE_PID")
wait_http "$ECHO_URL/" "$ECHO_PID" "the echo server"
wait_http "$NODE_URL/v2/health/live" "$NODE_PID" "the node"

rss_sampler "$NODE_PID" "$WORK/rss-node.txt" &
PIDS+=("$!")
rss_sampler "$ECHO_PID" "$WORK/rss-echo.txt" &
PIDS+=("$!")

for _ in $(seq 1 50); do [[ -s $DATA/admin-token ]] && break; sleep 0.2; done
[[ -s $DATA/admin-token ]] || die "the node wrote no admin-token."
TOKEN=$(tr -d '\n' <"$DATA/admin-token")
mp() { dotnet "$CLI_DLL" "$@" --host "$NODE_URL" --token "$TOKEN" >>"$WORK/cli.log" 2>&1 || die "modelplane $* failed (see cli.log)."; }

log "registering examples/iris/model as $MODEL and creating endpoint $ENDPOINT"
mp models register examples/iris/model --name "$MODEL"
mp endpoints create --name "$ENDPOINT" --model "$MODEL" --version 1
mp endpoints wait "$ENDPOINT" --timeout 120

sleep 2
RSS_IDLE_NODE=$(rss_now "$NODE_PID")
RSS_IDLE_ECHO=$(rss_now "$ECHO_PID")
log "idle RSS: node $(mib "$RSS_IDLE_NODE") MiB, echo $(mib "$RSS_IDLE_ECHO") MiB"

# Correctness before load: both answer 200 to both bodies; the node predicts a species per row.
INVOKE=$NODE_URL/serving-endpoints/$ENDPOINT/invocations
for rows in 1 150; do
  curl -fsS -H 'Content-Type: application/json' --data-binary "@$WORK/iris-$rows.json" "$ECHO_URL/echo" -o "$WORK/echo-answer-$rows.json" \
    || die "the echo refused the $rows-row body."
  curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary "@$WORK/iris-$rows.json" "$INVOKE" \
    -o "$WORK/node-answer-$rows.json" || die "the node refused the $rows-row body."
  got=$(grep -o '"species":"[^"]*"' "$WORK/node-answer-$rows.json" | wc -l)
  [[ $got == "$rows" ]] || die "the node answered $got species for $rows rows."
done
ACCURACY=$(paste -d' ' <(tail -n +2 "$CSV" | cut -d, -f5) \
  <(grep -o '"species":"[^"]*"' "$WORK/node-answer-150.json" | cut -d'"' -f4) | awk '$1 == $2 { ok++ } END { printf "%d/%d", ok, NR }')
log "150-row answer: $ACCURACY labels match iris.csv"

# --- wrk runs ---------------------------------------------------------------------------------------------------------
# ms <value with unit> -> milliseconds
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
  f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : -1;
  if (f < 0) { print "?"; exit } printf "%.3f", n * f }'; }

# CPU accounting, in clock ticks: the whole machine (/proc/stat), one process (utime+stime), and this script's reaped
# children (cutime+cstime of $$: the wrk that just ran). "Other" CPU in a run = machine - server - wrk: anything else on
# the machine (the idle server, the samplers, and whatever else runs there) that competed for the same cores.
HZ=$(getconf CLK_TCK)
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
proc_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
child_ticks() { awk '{ sub(/^.*\) /, ""); print $14 + $15 }' "/proc/$$/stat"; }

RUNS=() # id|rps|p50|p99|non2xx|errors|peakRssKb|serverCores|wrkCores|otherCores|serverCpuUsPerReq
# Column of a run: 2 req/s, 3 p50 ms, 4 p99 ms, 5 non-2xx, 6 socket errors, 7 peak RSS kB, 8 server cores, 9 wrk cores,
# 10 other cores, 11 server CPU us per request.
field() { # id column
  local r
  for r in "${RUNS[@]}"; do [[ ${r%%|*} == "$1" ]] && { cut -d'|' -f"$2" <<<"$r"; return; }; done
  echo "?"
}
run_wrk() { # id server url script conc body-file token
  local id=$1 server=$2 url=$3 script=$4 conc=$5 body=${6:-} token=${7:-} threads=1 raw t0 t1 pid rssfile
  if ((conc > 1)); then threads=2; fi
  raw=$WORK/wrk-$id.txt
  if [[ $server == node ]]; then pid=$NODE_PID rssfile=$WORK/rss-node.txt; else pid=$ECHO_PID rssfile=$WORK/rss-echo.txt; fi
  log "$id: wrk -t$threads -c$conc ${WARMUP}s warm-up, ${DURATION}s run"
  BENCH_BODY=$body BENCH_TOKEN=$token wrk -t"$threads" -c"$conc" -d"${WARMUP}s" -s "bench/$script" "$url" >/dev/null
  local m0 s0 c0 m1 s1 c1
  m0=$(machine_ticks) s0=$(proc_ticks "$pid") c0=$(child_ticks)
  t0=$EPOCHREALTIME
  BENCH_BODY=$body BENCH_TOKEN=$token wrk -t"$threads" -c"$conc" -d"${DURATION}s" --latency -s "bench/$script" "$url" >"$raw"
  t1=$EPOCHREALTIME
  m1=$(machine_ticks) s1=$(proc_ticks "$pid") c1=$(child_ticks)
  local rps p50 p99 non2xx errors peak requests cpu
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$raw")
  requests=$(awk '/ requests in / { print $1 }' "$raw")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$raw")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$raw")")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$raw")
  errors=$(awk '/Socket errors:/ { sub(/^ *Socket errors: */, ""); print }' "$raw")
  peak=$(rss_peak "$rssfile" "$t0" "$t1")
  cpu=$(awk -v hz="$HZ" -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v m=$((m1 - m0)) -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v n="$requests" \
    'BEGIN { us = n > 0 ? s / hz / n * 1e6 : 0; printf "%.2f|%.2f|%.2f|%.1f", s / hz / t, c / hz / t, (m - s - c) / hz / t, us }')
  RUNS+=("$id|$rps|$p50|$p99|${non2xx:-0}|${errors:-none}|$peak|$cpu")
  [[ ${non2xx:-0} == 0 ]] || log "warning: $id had $non2xx non-2xx answers"
  log "$id: $rps req/s, p50 $p50 ms, p99 $p99 ms, peak RSS $(mib "$peak") MiB, cores server|wrk|other|server CPU us/req: $cpu"
}

# Other work on the machine skews everything here. Wait (up to QUIET_WAIT seconds) for a 2 s window in which the whole
# machine uses under NOISY_CORES cores while both servers idle, and record what it used.
busy_cores() { # over 2 s
  local m0 m1; m0=$(machine_ticks); sleep 2; m1=$(machine_ticks)
  awk -v d=$((m1 - m0)) -v hz="$HZ" 'BEGIN { printf "%.2f", d / hz / 2 }'
}
wait_quiet() { # max seconds; sets IDLE_BUSY
  local deadline=$((SECONDS + $1))
  IDLE_BUSY=$(busy_cores)
  while awk -v b="$IDLE_BUSY" -v max="$NOISY_CORES" 'BEGIN { exit !(b >= max) }' && ((SECONDS < deadline)); do
    log "the machine is busy with other work (${IDLE_BUSY} cores); waiting"
    sleep 3
    IDLE_BUSY=$(busy_cores)
  done
}
wait_quiet "$QUIET_WAIT"
log "machine CPU while the servers idle: $IDLE_BUSY cores"

# Warm-up of both servers (JIT tiering, pools, ORT arenas) before anything is measured; each run below also has its own.
log "warm-up: ${GLOBAL_WARMUP}s per server and body at -t2 -c32"
for rows in 1 150; do
  BENCH_BODY=$WORK/iris-$rows.json wrk -t2 -c32 -d"${GLOBAL_WARMUP}s" -s bench/post.lua "$ECHO_URL/echo" >/dev/null
  BENCH_BODY=$WORK/iris-$rows.json BENCH_TOKEN=$TOKEN wrk -t2 -c32 -d"${GLOBAL_WARMUP}s" -s bench/post.lua "$INVOKE" >/dev/null
done

LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
T_LOAD0=$EPOCHREALTIME
# An echo/node pair is measured again (up to NOISY_RETRIES times, after waiting for quiet) when other work used NOISY_CORES
# cores or more during either run; the discarded attempts stay in the per-run table and the raw outputs, marked.
noisy() { awk -v o="$(field "$1" 10)" -v max="$NOISY_CORES" 'BEGIN { exit !(o >= max) }'; }
discard() { # id attempt
  local i
  for i in "${!RUNS[@]}"; do
    if [[ ${RUNS[$i]%%|*} == "$1" ]]; then RUNS[i]="$1 (noisy, discarded $2)|${RUNS[$i]#*|}"; fi
  done
  mv "$WORK/wrk-$1.txt" "$WORK/wrk-$1 (noisy, discarded $2).txt"
}
for rows in 1 150; do
  for conc in 1 32; do
    for attempt in $(seq 0 "$NOISY_RETRIES"); do
      if ((attempt > 0)); then
        discard "echo-r$rows-c$conc" "$attempt"
        discard "node-r$rows-c$conc" "$attempt"
        wait_quiet "$QUIET_WAIT"
      fi
      run_wrk "echo-r$rows-c$conc" echo "$ECHO_URL/echo" post.lua "$conc" "$WORK/iris-$rows.json"
      run_wrk "node-r$rows-c$conc" node "$INVOKE" post.lua "$conc" "$WORK/iris-$rows.json" "$TOKEN"
      noisy "echo-r$rows-c$conc" || noisy "node-r$rows-c$conc" || break
      if ((attempt < NOISY_RETRIES)); then log "other work used the machine during r$rows c$conc; measuring the pair again"; fi
    done
  done
done
T_LOAD1=$EPOCHREALTIME
RSS_PEAK_NODE=$(rss_peak "$WORK/rss-node.txt" "$T_LOAD0" "$T_LOAD1")
RSS_PEAK_ECHO=$(rss_peak "$WORK/rss-echo.txt" "$T_LOAD0" "$T_LOAD1")

if [[ $DIAG == 1 ]]; then
  for conc in 1 32; do
    run_wrk "diag-echo-get-c$conc" echo "$ECHO_URL/" get.lua "$conc"
    run_wrk "diag-node-live-c$conc" node "$NODE_URL/v2/health/live" get.lua "$conc"
    run_wrk "diag-node-v2-c$conc" node "$NODE_URL/v2" get.lua "$conc" "" "$TOKEN"
  done
fi

LOADAVG_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
sleep 5
RSS_AFTER_NODE=$(rss_now "$NODE_PID")
RSS_AFTER_ECHO=$(rss_now "$ECHO_PID")

# --- results ----------------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0 || a == "?" || b == "?") print "?"; else printf "%.2f", a / b }'; }
fmt_int() { awk -v v="$1" 'BEGIN { if (v == "?") print "?"; else printf "%.0f", v }'; }
fmt_ms() { awk -v v="$1" 'BEGIN { if (v == "?") print "?"; else if (v < 10) printf "%.2f", v; else printf "%.1f", v }'; }
rows_label() { if [[ $1 == 1 ]]; then echo "1 row"; else echo "$1 rows"; fi; }

DATE=$(date -u +%Y-%m-%d)
if [[ -z $RESULTS ]]; then
  RESULTS=bench/results/$DATE.md n=2
  while [[ -e $RESULTS ]]; do RESULTS=bench/results/$DATE-$n.md n=$((n + 1)); done
fi
mkdir -p "$(dirname "$RESULTS")"

{
  echo "# Modelplane invocation benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "\`bench/run.sh\` on commit \`$COMMIT\` (as built): \`iris-classifier\` (\`$MODEL\` v1, workload Small) on a node"
  echo "started with \`modelplane serve\`, against a bare Kestrel JSON echo (\`bench/EchoServer\`) measured in the same run."
  echo "wrk ${DURATION} s per run after a ${WARMUP} s warm-up (and ${GLOBAL_WARMUP} s at \`-c32\` per server and body before the"
  echo "first run); \`-t1 -c1\` for concurrency 1, \`-t2 -c32\` for 32; echo and node runs alternate. All on 127.0.0.1."
  echo "**wrk and both servers share the same $(nproc) cores**, so these are whole-machine figures: compare the ratios, not"
  echo "the absolutes, and look at \"other cores\" below, which is CPU that something else on the machine used during a run."
  echo
  echo "- Machine: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
  echo "- .NET SDK $(dotnet --version); $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1,2)"
  echo "- Machine CPU with both servers idle, just before the runs: $IDLE_BUSY cores (the script waits up to ${QUIET_WAIT} s for under ${NOISY_CORES})"
  echo "- Load average (1/5/15 min) when the load runs started: $LOADAVG_BEFORE; when they ended: $LOADAVG_AFTER"
  echo "- Node environment: ${NODE_ENV:-(none added: \`modelplane serve\` as shipped)}"
  echo "- Node log (stderr, to a file): $(wc -l <"$WORK/node.log") lines, $(mib $(( $(stat -c %s "$WORK/node.log") / 1024 ))) MiB over the whole run"
  echo "- Bodies: one-row \`dataframe_split\` ($(wc -c <"$WORK/iris-1.json") bytes) and 150-row \`dataframe_split\` ($(wc -c <"$WORK/iris-150.json") bytes: all of iris.csv; the node's answer matched $ACCURACY labels)"
  echo
  echo "## Throughput and latency"
  echo
  echo "Ratios are node / echo: below 1 for req/s means the node is slower; above 1 for latency and CPU means it costs more."
  echo "\"(noisy)\" marks a pair during which other work used ${NOISY_CORES} cores or more (after ${NOISY_RETRIES} retries): trust it less."
  echo "CPU µs/req is the server process's own CPU time (user + system) divided by the requests wrk completed."
  echo
  echo "| Body | Conc | echo req/s | node req/s | ratio | echo p50 ms | node p50 ms | ratio | echo p99 ms | node p99 ms | ratio | echo CPU µs/req | node CPU µs/req | ratio | node rows/s |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for rows in 1 150; do
    for conc in 1 32; do
      e=echo-r$rows-c$conc m=node-r$rows-c$conc
      er=$(field "$e" 2) nr=$(field "$m" 2) e50=$(field "$e" 3) n50=$(field "$m" 3) e99=$(field "$e" 4) n99=$(field "$m" 4)
      ec=$(field "$e" 11) nc=$(field "$m" 11)
      mark=""
      if noisy "$e" || noisy "$m"; then mark=" (noisy)"; fi
      echo "| $(rows_label "$rows")$mark | $conc | $(fmt_int "$er") | $(fmt_int "$nr") | $(ratio "$nr" "$er") | $(fmt_ms "$e50") | $(fmt_ms "$n50") | $(ratio "$n50" "$e50") | $(fmt_ms "$e99") | $(fmt_ms "$n99") | $(ratio "$n99" "$e99") | $(fmt_int "$ec") | $(fmt_int "$nc") | $(ratio "$nc" "$ec") | $(awk -v r="$nr" -v n="$rows" 'BEGIN { printf "%.0f", r * n }') |"
    done
  done
  echo
  echo "## Resident memory (VmRSS, sampled every 200 ms)"
  echo
  echo "| Process | Idle (endpoint READY, before any query) | Peak during the invocation runs | Idle 5 s after the last run |"
  echo "|---|---|---|---|"
  echo "| node | $(mib "$RSS_IDLE_NODE") MiB | $(mib "$RSS_PEAK_NODE") MiB | $(mib "$RSS_AFTER_NODE") MiB |"
  echo "| echo | $(mib "$RSS_IDLE_ECHO") MiB | $(mib "$RSS_PEAK_ECHO") MiB | $(mib "$RSS_AFTER_ECHO") MiB |"
  echo
  echo "Node peak per run: $(for rows in 1 150; do for conc in 1 32; do printf '%s ' "$(rows_label "$rows") c$conc $(mib "$(field "node-r$rows-c$conc" 7)") MiB;"; done; done)"
  if [[ $DIAG == 1 ]]; then
    echo
    echo "## Diagnostics: a trivial GET through each layer"
    echo
    echo "\`echo GET /\` is bare Kestrel; \`node GET /v2/health/live\` adds the node's middleware (error mapper, status pages,"
    echo "request id, authentication finding no header, authorization) and routing; \`node GET /v2\` adds bearer-token"
    echo "validation. The gap between these and the invocation rows above is the invocation path itself."
    echo
    echo "| Route | Conc | req/s | p50 ms | p99 ms | CPU µs/req | req/s vs echo GET / | CPU vs echo GET / |"
    echo "|---|---|---|---|---|---|---|---|"
    for conc in 1 32; do
      base=$(field "diag-echo-get-c$conc" 2) basec=$(field "diag-echo-get-c$conc" 11)
      for pair in "diag-echo-get:echo GET /" "diag-node-live:node GET /v2/health/live (no token)" "diag-node-v2:node GET /v2 (token)"; do
        id=${pair%%:*}-c$conc
        mark=""
        if noisy "$id"; then mark=" (noisy)"; fi
        echo "| ${pair#*:}$mark | $conc | $(fmt_int "$(field "$id" 2)") | $(fmt_ms "$(field "$id" 3)") | $(fmt_ms "$(field "$id" 4)") | $(fmt_int "$(field "$id" 11)") | $(ratio "$(field "$id" 2)" "$base") | $(ratio "$(field "$id" 11)" "$basec") |"
      done
    done
  fi
  echo
  echo "## CPU use per run (cores, averaged over the run) and errors"
  echo
  echo "\"Other\" is machine CPU minus the measured server minus wrk: the idle server, the RSS samplers and anything else"
  echo "running on the machine. Much above 0.1 means something else competed for the cores during that run."
  echo
  echo "| Run | server | wrk | other | non-2xx | socket errors |"
  echo "|---|---|---|---|---|---|"
  for r in "${RUNS[@]}"; do
    IFS='|' read -r id _ _ _ bad err _ sc wc oc _ <<<"$r"
    echo "| $id | $sc | $wc | $oc | $bad | $err |"
  done
  echo
  echo "## Raw wrk outputs"
  for r in "${RUNS[@]}"; do
    id=${r%%|*}
    echo
    echo "### $id"
    echo
    echo '```'
    cat "$WORK/wrk-$id.txt"
    echo '```'
  done
} >"$RESULTS"

log "wrote $RESULTS"
sed -n '/^## Throughput/,/^## Raw/p' "$RESULTS" | sed '$d'
