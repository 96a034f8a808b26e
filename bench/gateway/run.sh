#!/usr/bin/env bash
# LLM gateway benchmark (issue 4): a non-streamed chat completion (wrk: req/s, p50, p99) and a streamed one (ttfb.js:
# time to the first "data:" and to "data: [DONE]") at several concurrencies, three ways in the same run: straight to a
# fast fake OpenAI upstream (fake-upstream.js), through Modelplane (an external-model endpoint, provider "custom",
# POST /serving-endpoints/chat/completions) and through Portkey's open-source gateway (npm @portkey-ai/gateway, pinned
# in package.json); resident memory of both gateways idle and under load. See bench/README.md, "LLM gateway".
#
#   bench/gateway/run.sh              # writes bench/results/gateway-<date>.md
#
# Environment knobs (defaults in brackets): DURATION [10] and WARMUP [3] seconds per measured run; GLOBAL_WARMUP [3]
# seconds per way and kind at -c16 before the first measurement; CONCS ["1 16 64"]; EVENT_DELAY_MS [0] the fake
# upstream's delay between stream events; UPSTREAM_PORT [5078]; NODE_PORT [18081]; PORTKEY_PORT [8787]; MODELPLANE [1]
# (0 leaves the Modelplane leg out: no build, no node); BUILD [1] (0 uses the Release build already in
# src/Modelplane.Cli/bin); NODE_ENV [empty] extra NAME=VALUE settings for the node's environment; QUIET_WAIT [120]
# seconds to wait for other work on the machine to stop before measuring; NOISY_CORES [0.3], NOISY_RETRIES [1] and
# RETRY_BUDGET [60]: a group (the three ways at one kind and concurrency) is measured again when other work used
# NOISY_CORES or more during any of its runs; RESULTS [bench/results/gateway-<date>.md, then -2, -3…]; KEEP_WORK [0]
# keeps the temp dir (data dir, logs, raw outputs); BENCH_COMMIT [from git].
#
# Everything listens on 127.0.0.1 (Portkey through listen-loopback.cjs). All servers are started here and stopped by
# PID on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
GW=$ROOT/bench/gateway
# shellcheck source=bench/lib.sh
source bench/lib.sh

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
GLOBAL_WARMUP=${GLOBAL_WARMUP:-3}
CONCS=${CONCS:-1 16 64}
EVENT_DELAY_MS=${EVENT_DELAY_MS:-0}
UPSTREAM_PORT=${UPSTREAM_PORT:-5078}
NODE_PORT=${NODE_PORT:-18081}
PORTKEY_PORT=${PORTKEY_PORT:-8787}
MODELPLANE=${MODELPLANE:-1}
BUILD=${BUILD:-1}
NODE_ENV=${NODE_ENV:-}
QUIET_WAIT=${QUIET_WAIT:-120}
NOISY_CORES=${NOISY_CORES:-0.3}
NOISY_RETRIES=${NOISY_RETRIES:-1}
RETRY_BUDGET=${RETRY_BUDGET:-60}
RESULTS=${RESULTS:-}
KEEP_WORK=${KEEP_WORK:-0}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

CLI_DLL=$ROOT/src/Modelplane.Cli/bin/Release/net10.0/linux-x64/modelplane.dll
UPSTREAM_URL=http://127.0.0.1:$UPSTREAM_PORT
NODE_URL=http://127.0.0.1:$NODE_PORT
PORTKEY_URL=http://127.0.0.1:$PORTKEY_PORT
ENDPOINT=bench-chat
WAYS=(direct portkey)
if [[ $MODELPLANE == 1 ]]; then WAYS=(direct modelplane portkey); fi
BENCH_T0=$SECONDS

# --- tools -------------------------------------------------------------------------------------------------------------
install_missing wrk wrk
need_tools node npm curl ps
if [[ $MODELPLANE == 1 ]]; then command -v dotnet >/dev/null || die "dotnet is needed for the Modelplane leg (MODELPLANE=0 leaves it out)."; fi
ports=("$UPSTREAM_PORT" "$PORTKEY_PORT")
if [[ $MODELPLANE == 1 ]]; then ports+=("$NODE_PORT"); fi
ports_free "${ports[@]}"

# --- processes and cleanup ---------------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/modelplane-gateway-bench.XXXXXX")
HZ=$(getconf CLK_TCK)
PIDS=()
TOKEN=
NODE_PID=
cleanup() { finish $? "$WORK"/node.log "$WORK"/portkey.log "$WORK"/upstream.log "$WORK"/npm.log "$WORK"/build.log "$WORK"/create.json; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Portkey (npm) and Modelplane (dotnet) -----------------------------------------------------------------------------
# node_modules/ is installed from package-lock.json (npm ci) when missing or older than the lock file. --ignore-scripts:
# the gateway's only install script is patch-package, and the package ships no patches.
if [[ ! -d $GW/node_modules/@portkey-ai/gateway || $GW/package-lock.json -nt $GW/node_modules/.package-lock.json ]]; then
  log "installing Portkey's gateway into bench/gateway/node_modules (npm ci)"
  (cd "$GW" && npm ci --ignore-scripts --no-audit --no-fund) >"$WORK/npm.log" 2>&1 || die "npm ci in bench/gateway failed."
fi
PORTKEY_VERSION=$(node -p "require('$GW/node_modules/@portkey-ai/gateway/package.json').version")
HONO_NODE_VERSION=$(node -p "require('$GW/node_modules/@hono/node-server/package.json').version")

BUILD_SECONDS=0
if [[ $MODELPLANE == 1 && $BUILD == 1 ]]; then
  log "building src/Modelplane.Cli (Release)"
  BUILD_T0=$SECONDS
  build_release src/Modelplane.Cli/Modelplane.Cli.csproj
  BUILD_SECONDS=$((SECONDS - BUILD_T0))
fi
if [[ $MODELPLANE == 1 ]]; then
  [[ -s $CLI_DLL ]] || die "no build at $CLI_DLL (BUILD=1 builds it)."
  # A copy of the build, so that someone rebuilding the tree during the run cannot change what is measured.
  cp -r "$(dirname "$CLI_DLL")" "$WORK/modelplane-bin"
  CLI_DLL=$WORK/modelplane-bin/$(basename "$CLI_DLL")
fi

set_commit src bench/gateway

# --- request bodies: the same messages every way; "model" names the upstream model, or the endpoint for Modelplane --
MESSAGES='[{"role":"developer","content":"You are a helpful assistant."},{"role":"user","content":"Hello!"}]'
for way in "${WAYS[@]}"; do
  model=gpt-4o
  if [[ $way == modelplane ]]; then model=$ENDPOINT; fi
  printf '{"model":"%s","messages":%s}' "$model" "$MESSAGES" >"$WORK/chat-$way.json"
  printf '{"model":"%s","messages":%s,"stream":true}' "$model" "$MESSAGES" >"$WORK/stream-$way.json"
done

# --- servers -----------------------------------------------------------------------------------------------------------
log "starting the fake upstream on $UPSTREAM_URL (event delay $EVENT_DELAY_MS ms) and Portkey $PORTKEY_VERSION on $PORTKEY_URL"
node "$GW/fake-upstream.js" --port "$UPSTREAM_PORT" --event-delay-ms "$EVENT_DELAY_MS" >"$WORK/upstream.out" 2>"$WORK/upstream.log" &
UPSTREAM_PID=$!
PIDS+=("$UPSTREAM_PID")
# --headless: no log UI (/public, /log/stream), as in production; the gateway's own port flag.
(cd "$GW" && exec node --require ./listen-loopback.cjs node_modules/@portkey-ai/gateway/build/start-server.js \
  --port="$PORTKEY_PORT" --headless) >"$WORK/portkey.log" 2>&1 &
PORTKEY_PID=$!
PIDS+=("$PORTKEY_PID")
wait_http "$UPSTREAM_URL/health" "$UPSTREAM_PID" "the fake upstream"
wait_http "$PORTKEY_URL/" "$PORTKEY_PID" "Portkey's gateway"

if [[ $MODELPLANE == 1 ]]; then
  DATA=$(mktemp -d "$WORK/data.XXXXXX")
  log "starting a node on $NODE_URL (data dir $DATA)"
  # shellcheck disable=SC2086 # NODE_ENV is a list of NAME=VALUE words on purpose.
  start_node $NODE_ENV
  wait_node_token
  cat >"$WORK/endpoint.json" <<EOF
{"name": "$ENDPOINT", "config": {"served_entities": [{"name": "chat", "external_model": {"provider": "custom", "name": "gpt-4o", "task": "llm/v1/chat", "custom_provider_config": {"custom_provider_url": "$UPSTREAM_URL/v1", "bearer_token_auth": {"token_plaintext": "bench"}}}}]}}
EOF
  log "creating endpoint $ENDPOINT (external model, provider custom, $UPSTREAM_URL/v1)"
  code=$(curl -sS -o "$WORK/create.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "@$WORK/endpoint.json" "$NODE_URL/api/2.0/serving-endpoints") || die "POST /api/2.0/serving-endpoints failed."
  [[ $code == 200 ]] || die "POST /api/2.0/serving-endpoints answered $code: $(head -c 600 "$WORK/create.json")"
  ready=0
  for _ in $(seq 1 300); do
    if endpoint_json "$ENDPOINT" | grep -q '"ready":"READY"'; then ready=1; break; fi
    sleep 0.2
  done
  ((ready == 1)) || die "endpoint $ENDPOINT was not READY within 60 s: $(endpoint_json "$ENDPOINT" | head -c 600)"
fi

declare -A WAY_PID=([direct]=$UPSTREAM_PID [portkey]=$PORTKEY_PID [modelplane]=${NODE_PID:-})
declare -A WAY_URL=([direct]=$UPSTREAM_URL/v1/chat/completions [portkey]=$PORTKEY_URL/v1/chat/completions
  [modelplane]=$NODE_URL/serving-endpoints/chat/completions)
declare -A WAY_HEADERS=([direct]="Authorization: Bearer bench"
  [portkey]="Authorization: Bearer bench|x-portkey-provider: openai|x-portkey-custom-host: $UPSTREAM_URL/v1"
  [modelplane]="Authorization: Bearer $TOKEN")
declare -A WAY_NAME=([direct]="direct" [modelplane]="Modelplane" [portkey]="Portkey")
curl_headers() { # way -> -H args, one per line
  local h
  IFS='|' read -ra h <<<"${WAY_HEADERS[$1]}"
  printf -- '-H\n%s\n' "${h[@]}"
}

for way in "${WAYS[@]}"; do
  rss_sampler "${WAY_PID[$way]}" "$WORK/rss-$way.txt" &
  PIDS+=("$!")
done

# --- correctness before load: every way answers the recorded completion and the whole recorded stream ----------------
# The message content of a chat.completion; the concatenated delta contents of an SSE stream of chunks.
answer_text() { node -e 'const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(o.choices[0].message.content)' "$1" 2>/dev/null || true; }
stream_text() {
  node -e 'let t = ""; for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) {
      if (!l.startsWith("data:") || l.includes("[DONE]")) continue;
      for (const c of JSON.parse(l.slice(5)).choices || []) t += (c.delta && c.delta.content) || ""; }
    console.log(t)' "$1" 2>/dev/null || true
}
declare -A ANSWER_BYTES=() STREAM_EVENTS=() STREAM_BYTES=()
for way in "${WAYS[@]}"; do
  mapfile -t hdr < <(curl_headers "$way")
  curl -fsS --max-time 30 "${hdr[@]}" -H 'Content-Type: application/json' --data-binary "@$WORK/chat-$way.json" \
    "${WAY_URL[$way]}" -o "$WORK/answer-$way.json" || die "$way: the non-streamed request failed."
  got=$(answer_text "$WORK/answer-$way.json")
  [[ $got == "Hello! How can I assist you today?" ]] || die "$way: the answer is not the recorded completion: $(head -c 600 "$WORK/answer-$way.json")"
  curl -fsS -N --max-time 30 "${hdr[@]}" -H 'Content-Type: application/json' --data-binary "@$WORK/stream-$way.json" \
    "${WAY_URL[$way]}" -o "$WORK/answer-$way.sse" || die "$way: the streamed request failed."
  grep -q '^data: \[DONE\]' "$WORK/answer-$way.sse" || die "$way: the stream has no data: [DONE]: $(head -c 600 "$WORK/answer-$way.sse")"
  text=$(stream_text "$WORK/answer-$way.sse")
  [[ $text == "I'm unable to provide real-time weather updates."* ]] || die "$way: the streamed text is '$text'."
  ANSWER_BYTES[$way]=$(wc -c <"$WORK/answer-$way.json")
  STREAM_EVENTS[$way]=$(grep -c '^data:' "$WORK/answer-$way.sse" || true)
  STREAM_BYTES[$way]=$(wc -c <"$WORK/answer-$way.sse")
  STREAM_TEXT=$text
done
log "every way answered the recorded completion and stream (${STREAM_EVENTS[direct]} events direct)"

sleep 2
declare -A RSS_IDLE=()
for way in "${WAYS[@]}"; do RSS_IDLE[$way]=$(rss_now "${WAY_PID[$way]}"); done

# --- load runs -----------------------------------------------------------------------------------------------------------
# R[<id>.<field>]: rps, p50, p99 (ms; for streams: time to first data:), d50, d99 (streams: to [DONE]), failures,
# gw (gateway cores; "" direct), up (fake upstream cores), load (wrk / ttfb.js cores), other (machine − those), us (gateway
# CPU µs per request), rss (peak gateway RSS kB), n (requests). RUN_IDS in order, DISCARDED: ids measured again.
declare -A R=()
RUN_IDS=()
DISCARDED=()

# load kind way conc seconds [--latency]: one wrk (chat) or ttfb.js (stream) run, its output on stdout.
load() {
  local kind=$1 way=$2 conc=$3 seconds=$4 latency=${5:-} threads=1 hdr=() h=() x
  if ((conc > 1)); then threads=2; fi
  if [[ $kind == chat ]]; then
    BENCH_BODY=$WORK/chat-$way.json BENCH_HEADERS=${WAY_HEADERS[$way]} \
      wrk -t"$threads" -c"$conc" -d"${seconds}s" $latency -s "$ROOT/bench/post.lua" "${WAY_URL[$way]}"
  else
    IFS='|' read -ra hdr <<<"${WAY_HEADERS[$way]}"
    for x in "${hdr[@]}"; do h+=(--header "$x"); done
    node "$GW/ttfb.js" --url "${WAY_URL[$way]}" --body "$WORK/stream-$way.json" "${h[@]}" --concurrency "$conc" \
      --duration "$seconds" --warmup 0
  fi
}
# json file field: a number field of ttfb.js's JSON line ("?" when missing or null); grep, not node: no process start
# per field on a busy machine.
json() { local v; v=$(tail -n 1 "$1" | grep -o "\"$2\":[^,}]*" | cut -d: -f2); if [[ -z $v || $v == null ]]; then echo "?"; else echo "$v"; fi; }
# first_failure of ttfb.js's JSON line (a string), up to 200 characters.
json_failure() { node -e 'try { const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").pop()); console.log(String(o.first_failure).slice(0, 200)) } catch { console.log("?") }' "$1" 2>/dev/null || echo "?"; }

# measure id kind way conc: a WARMUP s warm-up, then a DURATION s run; kind is chat (wrk) or stream (ttfb.js).
measure() {
  local id=$1 kind=$2 way=$3 conc=$4 raw=$WORK/raw-$1.txt gpid=${WAY_PID[$3]} t0 t1
  log "$id: ${WARMUP}s warm-up, ${DURATION}s run"
  load "$kind" "$way" "$conc" "$WARMUP" >/dev/null 2>&1 || true
  # The tick samples lie between t0 and t1, so the cores below are averaged over at least the span the ticks cover
  # (on a busy machine starting the samplers' awk takes a while).
  local m0 c0 g0=0 u0 m1 c1 g1=0 u1
  t0=$EPOCHREALTIME
  m0=$(machine_ticks) c0=$(child_ticks) u0=$(proc_ticks "$UPSTREAM_PID")
  if [[ $way != direct ]]; then g0=$(tree_ticks "$gpid"); fi
  load "$kind" "$way" "$conc" "$DURATION" --latency >"$raw" 2>&1 || true
  m1=$(machine_ticks) c1=$(child_ticks) u1=$(proc_ticks "$UPSTREAM_PID")
  if [[ $way != direct ]]; then g1=$(tree_ticks "$gpid"); fi
  t1=$EPOCHREALTIME
  local rps p50 p99 d50="" d99="" n failures
  if [[ $kind == chat ]]; then
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$raw")
    n=$(awk '/ requests in / { print $1 }' "$raw")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$raw")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$raw")")
    failures=$(awk '/Non-2xx or 3xx responses:/ { n = $NF } /Socket errors:/ { sub(/^ *Socket errors: */, ""); e = $0 }
      END { if (n) printf "%s non-2xx", n; if (e) printf "%ssocket errors %s", (n ? "; " : ""), e }' "$raw")
  else
    rps=$(json "$raw" rps) n=$(json "$raw" ok) p50=$(json "$raw" ttfb_p50_ms) p99=$(json "$raw" ttfb_p99_ms)
    d50=$(json "$raw" done_p50_ms) d99=$(json "$raw" done_p99_ms)
    failures=$(json "$raw" non_200)/$(json "$raw" incomplete)/$(json "$raw" errors)
    if [[ $failures == 0/0/0 ]]; then failures=""; else failures="non-200/incomplete/errors $failures: $(json_failure "$raw")"; fi
  fi
  local peak=0
  if [[ $way != direct ]]; then peak=$(rss_peak "$WORK/rss-$way.txt" "$t0" "$t1"); fi
  local cpu gw up ld ot us
  cpu=$(awk -v hz="$HZ" -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v m=$((m1 - m0)) -v g=$((g1 - g0)) \
    -v u=$((u1 - u0)) -v c=$((c1 - c0)) -v n="${n:-0}" \
    'BEGIN { printf "%.2f %.2f %.2f %.2f %.1f", g / hz / t, u / hz / t, c / hz / t, (m - g - u - c) / hz / t, (n > 0 ? g / hz / n * 1e6 : 0) }')
  read -r gw up ld ot us <<<"$cpu"
  if [[ $way == direct ]]; then gw="" us=""; fi
  RUN_IDS+=("$id")
  R[$id.kind]=$kind R[$id.way]=$way R[$id.conc]=$conc R[$id.rps]=${rps:-0} R[$id.p50]=${p50:-?} R[$id.p99]=${p99:-?}
  R[$id.d50]=$d50 R[$id.d99]=$d99 R[$id.failures]=$failures R[$id.gw]=$gw R[$id.up]=$up R[$id.load]=$ld R[$id.other]=$ot
  R[$id.us]=$us R[$id.rss]=$peak R[$id.n]=${n:-0}
  [[ -z $failures ]] || log "warning: $id: $failures"
  log "$id: ${rps:-0} req/s, p50 $p50 ms, p99 $p99 ms${d50:+, [DONE] p50 $d50 ms}, cores gateway|upstream|load|other: ${gw:--}|$up|$ld|$ot"
}
run_noisy() { awk -v o="${R[$1.other]}" -v max="$NOISY_CORES" 'BEGIN { exit !(o >= max) }'; }

# measure_group kind conc: the ways in WAYS order; measured again after a quiet wait when other work used NOISY_CORES
# or more during any run, up to NOISY_RETRIES times and RETRY_BUDGET seconds of retries in all.
RETRY_SPENT=0
measure_group() {
  local kind=$1 conc=$2 attempt way id any started f
  for ((attempt = 0; ; attempt++)); do
    started=$SECONDS
    for way in "${WAYS[@]}"; do measure "$kind-$way-c$conc" "$kind" "$way" "$conc"; done
    if ((attempt > 0)); then RETRY_SPENT=$((RETRY_SPENT + SECONDS - started)); fi
    any=0
    for way in "${WAYS[@]}"; do if run_noisy "$kind-$way-c$conc"; then any=1; fi; done
    ((any == 1)) || return 0
    if ((attempt >= NOISY_RETRIES || RETRY_SPENT >= RETRY_BUDGET)); then
      log "other work used the machine during $kind c=$conc; keeping it, marked noisy"
      return 0
    fi
    log "other work used the machine during $kind c=$conc; measuring it again"
    for way in "${WAYS[@]}"; do
      id=$kind-$way-c$conc
      for f in kind way conc rps p50 p99 d50 d99 failures gw up load other us rss n; do R["$id (discarded $((attempt + 1))).$f"]=${R[$id.$f]}; done
      DISCARDED+=("$id (discarded $((attempt + 1)))")
      mv "$WORK/raw-$id.txt" "$WORK/raw-$id (discarded $((attempt + 1))).txt"
      local keep=()
      for f in "${RUN_IDS[@]}"; do [[ $f == "$id" ]] || keep+=("$f"); done
      RUN_IDS=("${keep[@]}")
    done
    started=$SECONDS
    wait_quiet "$((QUIET_WAIT < RETRY_BUDGET - RETRY_SPENT ? QUIET_WAIT : RETRY_BUDGET - RETRY_SPENT))"
    RETRY_SPENT=$((RETRY_SPENT + SECONDS - started))
  done
}

wait_quiet_before_load

log "warm-up: ${GLOBAL_WARMUP}s per way and kind at -c16"
for way in "${WAYS[@]}"; do
  load chat "$way" 16 "$GLOBAL_WARMUP" >/dev/null 2>&1 || true
  load stream "$way" 16 "$GLOBAL_WARMUP" >/dev/null 2>&1 || true
done

LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
T_LOAD0=$EPOCHREALTIME
for conc in $CONCS; do measure_group chat "$conc"; done
for conc in $CONCS; do measure_group stream "$conc"; done
T_LOAD1=$EPOCHREALTIME
LOADAVG_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A RSS_PEAK=() RSS_AFTER=()
for way in "${WAYS[@]}"; do RSS_PEAK[$way]=$(rss_peak "$WORK/rss-$way.txt" "$T_LOAD0" "$T_LOAD1"); done
sleep 5
for way in "${WAYS[@]}"; do RSS_AFTER[$way]=$(rss_now "${WAY_PID[$way]}"); done
if [[ $MODELPLANE == 1 ]]; then
  curl -sS --max-time 10 -H "Authorization: Bearer $TOKEN" "$NODE_URL/api/2.0/serving-endpoints/$ENDPOINT/metrics" -o "$WORK/metrics.txt" 2>/dev/null || true
fi
# The upstream's request counts (printed when it stops) against what the load generators sent.
kill "$UPSTREAM_PID" 2>/dev/null || true
wait "$UPSTREAM_PID" 2>/dev/null || true
BENCH_SECONDS=$((SECONDS - BENCH_T0))

# --- results -----------------------------------------------------------------------------------------------------------
set_results gateway-
# shellcheck source=bench/gateway/report.sh
source bench/gateway/report.sh
write_report >"$RESULTS"
log "wrote $RESULTS"
sed -n '/^## Headline/,/^## Memory/p' "$RESULTS" | sed '$d'
