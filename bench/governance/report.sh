# The Markdown report of bench/governance/run.sh (sourced, not run): write_report prints it from run.sh's globals
# (RUNS via lib.sh's field, CONCS, knobs, USAGE_ROWS, PAYLOAD_ROWS, DROPPED…).
# shellcheck shell=bash

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "?" || b == "?" || b + 0 == 0) print "?"; else printf "%.2f", a / b }'; }
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "?" || b == "?") print "?"; else printf "%+.2f", a - b }'; }
fmt() { awk -v v="$1" 'BEGIN { if (v == "?" || v == "") print "?"; else if (v < 10) printf "%.2f", v; else printf "%.0f", v }'; }
mark() { if noisy "$1"; then printf ' (noisy)'; fi; }

headline() {
  local conc off on
  echo "| Conc | AI Gateway | req/s | p50 ms | p99 ms | node CPU µs/req | req/s on ÷ off | p50 on ÷ off | p99 on ÷ off | p50 added | p99 added |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for conc in $CONCS; do
    off=off-c$conc on=on-c$conc
    echo "| $conc | **off**$(mark "$off") | $(fmt "$(field "$off" 2)") | $(fmt "$(field "$off" 3)") | $(fmt "$(field "$off" 4)") | $(fmt "$(field "$off" 11)") | 1 | 1 | 1 | | |"
    echo "| $conc | on$(mark "$on") | $(fmt "$(field "$on" 2)") | $(fmt "$(field "$on" 3)") | $(fmt "$(field "$on" 4)") | $(fmt "$(field "$on" 11)") | $(ratio "$(field "$on" 2)" "$(field "$off" 2)") | $(ratio "$(field "$on" 3)" "$(field "$off" 3)") | $(ratio "$(field "$on" 4)" "$(field "$off" 4)") | $(diff_ms "$(field "$on" 3)" "$(field "$off" 3)") ms | $(diff_ms "$(field "$on" 4)" "$(field "$off" 4)") ms |"
  done
}

write_report() {
  local r
  echo "# Governance bench: one endpoint with its AI Gateway off and on, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "\`bench/governance/run.sh\` (see bench/README.md, \"bench/governance\"). Commit **$COMMIT**."
  echo "Settings: DURATION=$DURATION s per run after a WARMUP=$WARMUP s warm-up, GLOBAL_WARMUP=$GLOBAL_WARMUP, CONCS=\"$CONCS\","
  echo "NOISY_CORES=$NOISY_CORES, NOISY_RETRIES=$NOISY_RETRIES, RETRY_BUDGET=$RETRY_BUDGET, NODE_ENV=\"$NODE_ENV\"."
  echo "Machine: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), shared by wrk, the fake"
  echo "upstream and the node; .NET SDK $(dotnet --version 2>/dev/null), Node $(node --version), $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)."
  echo "Whole run: ${BENCH_SECONDS} s (build ${BUILD_SECONDS} s)."
  echo
  echo "## Headline"
  echo
  echo "Non-streamed chat completions on \`POST /serving-endpoints/chat/completions\` (an external-model endpoint, provider"
  echo "\`custom\`, on bench/gateway/fake-upstream.js), wrk \`-t1 -c1\` at 1 and \`-t2 -cN\` above. **off**: bearer auth and the"
  echo "CAN_QUERY check only (they cannot be turned off). **on**: plus an endpoint calls limit and a per-user calls and tokens"
  echo "limit (set high: never reached, but every request reserves and settles), usage tracking, the payload table for every"
  echo "request (sampling 1), and PII guardrails MASK on input (the message holds an e-mail address) and output. The two"
  echo "states run back to back at each concurrency on the same endpoint (\`PUT .../ai-gateway\` between runs)."
  echo
  headline
  echo
  echo "Ratios are on ÷ off in the same group. Noise: the machine used **$QUIET_BEFORE cores** while the servers idled before"
  echo "the runs; load average $LOADAVG_BEFORE before and $LOADAVG_AFTER after. \"Other cores\" in the per-run table include the"
  echo "fake upstream (a Node.js process answering every request), so a run is marked noisy when the upstream alone passes"
  echo "NOISY_CORES; the discarded first attempts are in the table to compare."
  echo
  echo "Tables after the runs: $USAGE_ROWS usage rows and $PAYLOAD_ROWS payload rows read back through the node (each read"
  echo "capped at 10 000 rows), $DROPPED rows dropped because the writer's channel was full."
  echo
  echo "## Per run"
  echo
  echo "| Run | req/s | p50 ms | p99 ms | non-2xx | socket errors | peak node RSS MiB | node cores | wrk cores | other cores | node CPU µs/req |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for r in "${RUNS[@]}"; do
    IFS='|' read -r id rps p50 p99 n2 se rss sc wc oc us _ <<<"$r"
    echo "| $id | $(fmt "$rps") | $(fmt "$p50") | $(fmt "$p99") | $n2 | $se | $(mib "$rss") | $sc | $wc | $oc | $us |"
  done
}
