#!/usr/bin/env bash
# SQL batch-inference benchmark (issue 7, "Done when"): rows/s of ai_query over 100,000 rows against iris-classifier,
# next to calling /invocations directly with the same batch size and concurrency, in the same run. One node, one
# endpoint (the Iris ONNX model, Small, batching off); a 100,000-row CSV made from examples/iris/data/iris.csv.
#
#   ai_query : modelplane sql "COPY (SELECT *, ai_query('iris-classifier', {…}) AS prediction FROM 'rows.csv') TO 'out.parquet'"
#              --batch-size BATCH --max-concurrency CONC — the whole statement, CLI start-up, CSV read and Parquet
#              write included; model calls counted at the node (request_count_total before/after).
#   direct   : wrk -cCONC POSTing one BATCH-row dataframe_split body to /invocations for DURATION s (rows/s = req/s × BATCH).
#   sql only : the same COPY without ai_query (what DuckDB and the CLI cost alone).
#
#   bench/sql/run.sh        # writes bench/results/sql-<date>.md
#
# Environment knobs [defaults]: ROWS [100000]; BATCH [512]; CONC [8]; DURATION [10] s per direct run; REPEAT [3]
# (ai_query and direct measured alternately, medians reported); NODE_PORT [18084]; BUILD [1]; QUIET_WAIT [60];
# NOISY_CORES [0.3]; RESULTS [bench/results/sql-<date>.md]; KEEP_WORK [0]; BENCH_COMMIT [from git].
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=bench/lib.sh
source bench/lib.sh

ROWS=${ROWS:-100000}
BATCH=${BATCH:-512}
CONC=${CONC:-8}
DURATION=${DURATION:-10}
REPEAT=${REPEAT:-3}
NODE_PORT=${NODE_PORT:-18084}
BUILD=${BUILD:-1}
QUIET_WAIT=${QUIET_WAIT:-60}
NOISY_CORES=${NOISY_CORES:-0.3}
RESULTS=${RESULTS:-}
KEEP_WORK=${KEEP_WORK:-0}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

CLI_DLL=$ROOT/src/Modelplane.Cli/bin/Release/net10.0/linux-x64/modelplane.dll
NODE_URL=http://127.0.0.1:$NODE_PORT
MODEL=main.default.iris
ENDPOINT=iris-classifier
BENCH_T0=$SECONDS

install_missing wrk wrk
need_tools curl dotnet awk
ports_free "$NODE_PORT"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/modelplane-sql-bench.XXXXXX")
HZ=$(getconf CLK_TCK)
PIDS=()
TOKEN=
NODE_PID=
cleanup() { finish $? "$WORK"/node.log "$WORK"/cli.log "$WORK"/build.log; }
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ $BUILD == 1 ]]; then
  log "building src/Modelplane.Cli (Release)"
  build_release src/Modelplane.Cli/Modelplane.Cli.csproj
fi
[[ -s $CLI_DLL ]] || die "no build at $CLI_DLL (BUILD=1 builds it)."
cp -r "$(dirname "$CLI_DLL")" "$WORK/modelplane-bin"
CLI_DLL=$WORK/modelplane-bin/$(basename "$CLI_DLL")
set_commit src bench/sql
set_results sql-

DATA=$(mktemp -d "$WORK/data.XXXXXX")
log "starting a node on $NODE_URL (data dir $DATA)"
start_node
wait_node_token
mp() { dotnet "$CLI_DLL" "$@" --host "$NODE_URL" --token "$TOKEN" >>"$WORK/cli.log" 2>&1 || die "modelplane $* failed (see cli.log)."; }
log "registering examples/iris/model as $MODEL and creating $ENDPOINT"
mp models register examples/iris/model --name "$MODEL"
mp endpoints create --name "$ENDPOINT" --model "$MODEL" --version 1
mp endpoints wait "$ENDPOINT" --timeout 120

cd "$WORK"
cp "$ROOT/examples/iris/data/iris.csv" iris.csv
log "writing rows.csv: $ROWS rows from iris.csv"
dotnet "$CLI_DLL" sql "COPY (SELECT sepal_length, sepal_width, petal_length, petal_width FROM 'iris.csv', range($(((ROWS + 149) / 150))) LIMIT $ROWS) TO 'rows.csv' (HEADER)" 2>>cli.log
awk -F, -v n="$BATCH" 'NR == 1 { printf "{\"dataframe_split\":{\"columns\":[\"%s\",\"%s\",\"%s\",\"%s\"],\"data\":[", $1, $2, $3, $4; next }
  NR - 1 <= n { printf "%s[%s,%s,%s,%s]", (NR > 2 ? "," : ""), $1, $2, $3, $4 }
  END { printf "]}}" }' rows.csv >batch.json
curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @batch.json \
  "$NODE_URL/serving-endpoints/$ENDPOINT/invocations" -o direct-answer.json || die "the node refused the $BATCH-row body."

SELECT_AI="SELECT *, ai_query('$ENDPOINT', {'sepal_length': sepal_length, 'sepal_width': sepal_width, 'petal_length': petal_length, 'petal_width': petal_width}) AS prediction FROM 'rows.csv'"
requests() { curl -fsS -H "Authorization: Bearer $TOKEN" "$NODE_URL/api/2.0/serving-endpoints/$ENDPOINT/metrics" \
  | awk '/^request_count_total/ { s += $NF } END { print s + 0 }'; }
now() { echo "$EPOCHREALTIME"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

AI=() DIRECT=() SQLONLY=() AI_CPU=() DIRECT_CPU=() CALLS=()
run_sql_only() {
  local t0 t1
  t0=$(now); dotnet "$CLI_DLL" sql "COPY (SELECT * FROM 'rows.csv') TO 'plain.parquet'" 2>>cli.log; t1=$(now)
  SQLONLY+=("$(awk -v n="$ROWS" -v s="$(secs "$t0" "$t1")" 'BEGIN { printf "%.0f", n / s }')")
}
run_ai() {
  local t0 t1 c0 c1 s0 s1 n
  c0=$(requests) s0=$(tree_ticks "$NODE_PID")
  t0=$(now)
  dotnet "$CLI_DLL" sql "COPY ($SELECT_AI) TO 'out.parquet'" --batch-size "$BATCH" --max-concurrency "$CONC" \
    --host "$NODE_URL" --token "$TOKEN" 2>>cli.log || die "the ai_query statement failed (see cli.log)."
  t1=$(now)
  c1=$(requests) s1=$(tree_ticks "$NODE_PID")
  n=$(dotnet "$CLI_DLL" sql "SELECT count(*) FILTER (WHERE prediction IS NOT NULL) AS n FROM 'out.parquet'" --output json 2>>cli.log | tr -dc '0-9')
  [[ $n == "$ROWS" ]] || die "out.parquet holds $n predictions, not $ROWS."
  CALLS+=("$((c1 - c0))")
  AI+=("$(awk -v n="$ROWS" -v s="$(secs "$t0" "$t1")" 'BEGIN { printf "%.0f", n / s }')")
  AI_CPU+=("$(awk -v t=$((s1 - s0)) -v hz="$HZ" -v n="$ROWS" 'BEGIN { printf "%.1f", t / hz / n * 1e6 }')")
  log "ai_query: ${AI[-1]} rows/s, $((c1 - c0)) model calls, node CPU ${AI_CPU[-1]} µs/row"
}
run_direct() {
  local s0 s1 rps requests
  BENCH_BODY=$WORK/batch.json BENCH_TOKEN=$TOKEN wrk -t2 -c"$CONC" -d2s -s "$ROOT/bench/post.lua" "$NODE_URL/serving-endpoints/$ENDPOINT/invocations" >/dev/null
  s0=$(tree_ticks "$NODE_PID")
  BENCH_BODY=$WORK/batch.json BENCH_TOKEN=$TOKEN wrk -t2 -c"$CONC" -d"${DURATION}s" -s "$ROOT/bench/post.lua" \
    "$NODE_URL/serving-endpoints/$ENDPOINT/invocations" >wrk.txt
  s1=$(tree_ticks "$NODE_PID")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' wrk.txt)
  requests=$(awk '/ requests in / { print $1 }' wrk.txt)
  grep -q 'Non-2xx' wrk.txt && die "direct run had non-2xx answers: $(cat wrk.txt)"
  DIRECT+=("$(awk -v r="$rps" -v b="$BATCH" 'BEGIN { printf "%.0f", r * b }')")
  DIRECT_CPU+=("$(awk -v t=$((s1 - s0)) -v hz="$HZ" -v n=$((requests * BATCH)) 'BEGIN { printf "%.1f", t / hz / n * 1e6 }')")
  log "direct: ${DIRECT[-1]} rows/s ($rps req/s × $BATCH), node CPU ${DIRECT_CPU[-1]} µs/row"
}

log "warm-up: one ai_query run and a short direct run"
run_ai; AI=() AI_CPU=() CALLS=()
wait_quiet "$QUIET_WAIT"
QUIET_BEFORE=$IDLE_BUSY
for ((i = 0; i < REPEAT; i++)); do
  if ((i % 2 == 0)); then run_ai; run_direct; else run_direct; run_ai; fi
  run_sql_only
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
MA=$(median "${AI[@]}") MD=$(median "${DIRECT[@]}") MS=$(median "${SQLONLY[@]}")
cd "$ROOT"
{
  echo "# SQL batch inference: ai_query vs /invocations ($(date -u +%Y-%m-%d), commit $COMMIT)"
  echo
  echo "$ROWS Iris rows, batch $BATCH rows, concurrency $CONC, endpoint $ENDPOINT (Iris ONNX, Small, batching off);"
  echo "$(nproc) cores, machine idle at $QUIET_BEFORE cores before the runs. Medians of $REPEAT runs each, alternating."
  echo
  echo "| path | rows/s (median) | runs | node CPU µs/row (median) |"
  echo "|---|---|---|---|"
  echo "| ai_query (whole statement: CLI start, CSV read, calls, Parquet write) | $MA | ${AI[*]} | $(median "${AI_CPU[@]}") |"
  echo "| /invocations direct (wrk, ${DURATION}s) | $MD | ${DIRECT[*]} | $(median "${DIRECT_CPU[@]}") |"
  echo "| the same COPY without ai_query | $MS | ${SQLONLY[*]} | – |"
  echo
  echo "**ai_query ÷ direct = $(awk -v a="$MA" -v d="$MD" 'BEGIN { printf "%.2f", a / d }')**; model calls per ai_query run: ${CALLS[*]}"
  echo "(⌈$ROWS / $BATCH⌉ = $(((ROWS + BATCH - 1) / BATCH)))."
} >"$RESULTS"
cat "$RESULTS"
log "wrote $RESULTS in $((SECONDS - BENCH_T0)) s"
