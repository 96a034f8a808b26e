#!/usr/bin/env bash
# Governance benchmark (issue 6): what the full governance path costs on one endpoint. One node, one external-model chat
# endpoint on a fast fake OpenAI upstream (bench/gateway/fake-upstream.js), non-streamed chat completions whose user
# message holds an e-mail address (wrk: req/s, p50, p99, node CPU per request) at several concurrencies, the SAME
# endpoint measured back to back with its AI Gateway off and on (PUT .../ai-gateway between runs). "On" is the whole
# path: bearer auth + CAN_QUERY check (always on) + a calls and a tokens rate limit (never reached) + usage tracking +
# the payload table (every request) + PII guardrails MASK on input and output. See bench/README.md, "bench/governance".
#
#   bench/governance/run.sh           # writes bench/results/governance-<date>.md
#
# Environment knobs (defaults in brackets): DURATION [10] and WARMUP [3] seconds per run; GLOBAL_WARMUP [3] seconds per
# state at -c16 first; CONCS ["1 16 64"]; UPSTREAM_PORT [5079]; NODE_PORT [18083]; BUILD [1] (0 uses the Release build
# in src/Modelplane.Cli/bin); NODE_ENV [empty] extra NAME=VALUE settings for the node; QUIET_WAIT [120]; NOISY_CORES
# [0.3], NOISY_RETRIES [1], RETRY_BUDGET [60] (an off/on pair is measured again when other work used NOISY_CORES or more
# during it); RESULTS [bench/results/governance-<date>.md, then -2, -3…]; KEEP_WORK [0]; BENCH_COMMIT [from git].
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=bench/lib.sh
source bench/lib.sh

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
GLOBAL_WARMUP=${GLOBAL_WARMUP:-3}
CONCS=${CONCS:-1 16 64}
UPSTREAM_PORT=${UPSTREAM_PORT:-5079}
NODE_PORT=${NODE_PORT:-18083}
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
ENDPOINT=bench-governed
CHAT_URL=$NODE_URL/serving-endpoints/chat/completions
BENCH_T0=$SECONDS

install_missing wrk wrk
need_tools node curl dotnet
ports_free "$UPSTREAM_PORT" "$NODE_PORT"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/modelplane-governance-bench.XXXXXX")
HZ=$(getconf CLK_TCK)
PIDS=()
TOKEN=
NODE_PID=
ECHO_PID=
cleanup() { finish $? "$WORK"/node.log "$WORK"/upstream.log "$WORK"/build.log "$WORK"/put.json; }
trap cleanup EXIT
trap 'exit 130' INT TERM

BUILD_SECONDS=0
if [[ $BUILD == 1 ]]; then
  log "building src/Modelplane.Cli (Release)"
  BUILD_T0=$SECONDS
  build_release src/Modelplane.Cli/Modelplane.Cli.csproj
  BUILD_SECONDS=$((SECONDS - BUILD_T0))
fi
[[ -s $CLI_DLL ]] || die "no build at $CLI_DLL (BUILD=1 builds it)."
cp -r "$(dirname "$CLI_DLL")" "$WORK/modelplane-bin"
CLI_DLL=$WORK/modelplane-bin/$(basename "$CLI_DLL")
set_commit src bench/governance

log "starting the fake upstream on $UPSTREAM_URL"
node bench/gateway/fake-upstream.js --port "$UPSTREAM_PORT" >"$WORK/upstream.out" 2>"$WORK/upstream.log" &
UPSTREAM_PID=$!
PIDS+=("$UPSTREAM_PID")
wait_http "$UPSTREAM_URL/health" "$UPSTREAM_PID" "the fake upstream"

DATA=$(mktemp -d "$WORK/data.XXXXXX")
log "starting a node on $NODE_URL (data dir $DATA)"
# shellcheck disable=SC2086 # NODE_ENV is a list of NAME=VALUE words on purpose.
start_node $NODE_ENV
wait_node_token
rss_sampler "$NODE_PID" "$WORK/rss-node.txt" &
PIDS+=("$!")

api() { # method path [body-file] -> body on stdout; dies on a non-2xx answer
  local code
  code=$(curl -sS -o "$WORK/api.json" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    ${3:+--data-binary "@$3"} "$NODE_URL$2") || die "$1 $2 failed."
  [[ $code == 2* ]] || die "$1 $2 answered $code: $(head -c 600 "$WORK/api.json")"
  cat "$WORK/api.json"
}
cat >"$WORK/endpoint.json" <<EOF
{"name": "$ENDPOINT", "config": {"served_entities": [{"name": "chat", "external_model": {"provider": "custom", "name": "gpt-4o", "task": "llm/v1/chat", "custom_provider_config": {"custom_provider_url": "$UPSTREAM_URL/v1", "bearer_token_auth": {"token_plaintext": "bench"}}}}]}}
EOF
api POST /api/2.0/serving-endpoints "$WORK/endpoint.json" >/dev/null
for _ in $(seq 1 300); do endpoint_json "$ENDPOINT" | grep -q '"ready":"READY"' && break; sleep 0.2; done
endpoint_json "$ENDPOINT" | grep -q '"ready":"READY"' || die "endpoint $ENDPOINT is not READY: $(endpoint_json "$ENDPOINT" | head -c 600)"

echo '{}' >"$WORK/gateway-off.json"
cat >"$WORK/gateway-on.json" <<'EOF'
{"usage_tracking_config": {"enabled": true},
 "inference_table_config": {"enabled": true, "catalog_name": "main", "schema_name": "bench", "table_name_prefix": "governed"},
 "rate_limits": [{"key": "endpoint", "calls": 100000000, "renewal_period": "minute"},
                 {"key": "user", "calls": 100000000, "tokens": 100000000000, "renewal_period": "minute"}],
 "guardrails": {"input": {"pii": {"behavior": "MASK"}}, "output": {"pii": {"behavior": "MASK"}}}}
EOF
STATE=
set_gateway() { # off|on
  [[ $STATE == "$1" ]] && return 0
  api PUT "/api/2.0/serving-endpoints/$ENDPOINT/ai-gateway" "$WORK/gateway-$1.json" >"$WORK/put.json"
  STATE=$1
}
before_run() { case $1 in on-*) set_gateway on ;; *) set_gateway off ;; esac; }

printf '{"model":"%s","messages":[{"role":"user","content":"Hello! Please answer jane.doe@example.com about order 1234."}]}' \
  "$ENDPOINT" >"$WORK/chat.json"
for state in off on; do
  set_gateway "$state"
  curl -fsS --max-time 30 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary "@$WORK/chat.json" \
    "$CHAT_URL" -o "$WORK/answer-$state.json" || die "gateway $state: the request failed."
  grep -q '"Hello! How can I assist you today?"' "$WORK/answer-$state.json" || die "gateway $state: unexpected answer $(head -c 400 "$WORK/answer-$state.json")"
done
log "both states answer the recorded completion"

wait_quiet_before_load
for state in off on; do
  set_gateway "$state"
  BENCH_BODY=$WORK/chat.json BENCH_TOKEN=$TOKEN wrk -t2 -c16 -d"${GLOBAL_WARMUP}s" -s bench/post.lua "$CHAT_URL" >/dev/null
done
LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for conc in $CONCS; do
  measure_group "$conc" "$WORK/chat.json" "off-c$conc;node;$CHAT_URL;$TOKEN;" "on-c$conc;node;$CHAT_URL;$TOKEN;"
done
LOADAVG_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# What the governed runs left behind: usage rows and payload rows the node wrote (after its ~1 s flush), dropped rows.
sleep 3
USAGE_ROWS=$(api GET "/api/2.0/serving-endpoints/usage?endpoint=$ENDPOINT&limit=10000" | grep -o '"databricks_request_id"' | wc -l)
PAYLOAD_ROWS=$(api GET "/api/2.0/serving-endpoints/$ENDPOINT/inference-table?limit=10000" | grep -o '"databricks_request_id"' | wc -l)
curl -sS --max-time 10 -H "Authorization: Bearer $TOKEN" "$NODE_URL/metrics" -o "$WORK/metrics.txt" 2>/dev/null || true
DROPPED=$(awk '$1 ~ /^modelplane_table_rows_dropped_total/ { s += $NF } END { print s + 0 }' "$WORK/metrics.txt")
BENCH_SECONDS=$((SECONDS - BENCH_T0))

set_results governance-
# shellcheck source=bench/governance/report.sh
source bench/governance/report.sh
write_report >"$RESULTS"
log "wrote $RESULTS"
sed -n '/^## Headline/,/^## Per run/p' "$RESULTS" | sed '$d'
