# The Markdown report of bench/gateway/run.sh (sourced, not run): write_report prints it. It reads the globals run.sh
# set (R, RUN_IDS, DISCARDED, WAYS, RSS_*, knobs…).
# shellcheck shell=bash

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "?" || b == "?" || a == "" || b == "" || b + 0 == 0) print "?"; else printf "%.2f", a / b }'; }
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "?" || b == "?" || a == "" || b == "") print "?"; else printf "%+.2f", a - b }'; }
fmt_int() { awk -v v="$1" 'BEGIN { if (v == "?" || v == "") print "?"; else printf "%.0f", v }'; }
fmt_ms() { awk -v v="$1" 'BEGIN { if (v == "?" || v == "") print "?"; else if (v < 10) printf "%.2f", v; else printf "%.1f", v }'; }
noisy_mark() { if run_noisy "$1"; then printf ' (noisy)'; fi; }
noisy_list() { local id; for id in "${RUN_IDS[@]}"; do if run_noisy "$id"; then printf '%s ' "$id"; fi; done; }
upstream_counts() { tail -n 1 "$WORK/upstream.out" 2>/dev/null || echo '(none printed)'; }

headline() { # kind: chat (wrk) or stream (ttfb.js); a row per concurrency and way, ratios against direct
  local kind=$1 conc way id base name cells ratios
  if [[ $kind == chat ]]; then
    echo "| Conc | Way | req/s | p50 ms | p99 ms | req/s ÷ direct | p50 ÷ direct | p99 ÷ direct | p50 added |"
    echo "|---|---|---|---|---|---|---|---|---|"
  else
    echo "| Conc | Way | streams/s | TTFB p50 ms | TTFB p99 ms | [DONE] p50 ms | [DONE] p99 ms | TTFB p50 ÷ direct | TTFB p99 ÷ direct | TTFB p50 added |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
  fi
  for conc in $CONCS; do
    base=$kind-direct-c$conc
    for way in "${WAYS[@]}"; do
      id=$kind-$way-c$conc
      cells="$(fmt_int "${R[$id.rps]}") | $(fmt_ms "${R[$id.p50]}") | $(fmt_ms "${R[$id.p99]}")"
      if [[ $kind == stream ]]; then cells+=" | $(fmt_ms "${R[$id.d50]}") | $(fmt_ms "${R[$id.d99]}")"; fi
      if [[ $way == direct ]]; then
        name="**direct**" ratios="1 | 1 |"
        if [[ $kind == chat ]]; then ratios="1 | $ratios"; fi
      else
        name=${WAY_NAME[$way]}
        ratios="$(ratio "${R[$id.p50]}" "${R[$base.p50]}") | $(ratio "${R[$id.p99]}" "${R[$base.p99]}") | $(diff_ms "${R[$id.p50]}" "${R[$base.p50]}") ms"
        if [[ $kind == chat ]]; then ratios="$(ratio "${R[$id.rps]}" "${R[$base.rps]}") | $ratios"; fi
      fi
      echo "| $conc | $name$(noisy_mark "$id") | $cells | $ratios |"
    done
  done
}

run_row() { # id
  local id=$1 rss="" us=${R[$1.us]}
  if [[ ${R[$id.way]} != direct ]]; then rss="$(mib "${R[$id.rss]}") MiB"; fi
  echo "| $id | ${R[$id.gw]:--} | ${R[$id.up]} | ${R[$id.load]} | ${R[$id.other]}$(noisy_mark "$id") | ${us:--} | $rss | ${R[$id.n]} | ${R[$id.failures]:-none} |"
}

write_report() {
  local way id noisy
  noisy=$(noisy_list)
  echo "# LLM gateway bench: direct vs Modelplane vs Portkey, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "\`bench/gateway/run.sh\` (see bench/README.md, \"LLM gateway\"). Commit **$COMMIT**. Ways: $(for way in "${WAYS[@]}"; do printf '%s; ' "${WAY_NAME[$way]}"; done | sed 's/; $//')."
  echo "Settings: DURATION=$DURATION s per run after a WARMUP=$WARMUP s warm-up, GLOBAL_WARMUP=$GLOBAL_WARMUP, CONCS=\"$CONCS\","
  echo "EVENT_DELAY_MS=$EVENT_DELAY_MS, NOISY_CORES=$NOISY_CORES, NOISY_RETRIES=$NOISY_RETRIES, RETRY_BUDGET=$RETRY_BUDGET, NODE_ENV=\"$NODE_ENV\"."
  echo "Portkey \`@portkey-ai/gateway\` $PORTKEY_VERSION with \`@hono/node-server\` $HONO_NODE_VERSION (npm override), \`--headless\`."
  echo "Machine: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), shared by the load generator, the"
  echo "fake upstream and the gateway; Node $(node --version), $(if [[ $MODELPLANE == 1 ]]; then echo ".NET SDK $(dotnet --version 2>/dev/null)"; else echo "no .NET"; fi), $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), kernel $(uname -r)."
  echo "Whole run: ${BENCH_SECONDS} s (build ${BUILD_SECONDS} s)."
  echo
  echo "## Headline"
  echo
  echo "**Non-streamed chat completion** (wrk, \`-t1 -c1\` at 1, \`-t2 -cN\` above; req/s, latency to the whole answer):"
  echo
  headline chat
  echo
  echo "**Streamed chat completion** (\`bench/gateway/ttfb.js\`: N keep-alive connections each sending one request after"
  echo "another; TTFB = from writing the request to the first \`data:\` of the body; [DONE] = to \`data: [DONE]\`):"
  echo
  headline stream
  echo
  echo "Ratios are against **direct** measured in the same group (the ways run back to back at each concurrency). \"Added\" is"
  echo "the gateway's p50 minus direct's p50."
  echo
  echo "Noise: the machine used **$QUIET_BEFORE cores** while all servers idled before the load runs (quiet threshold"
  echo "$NOISY_CORES), load average $LOADAVG_BEFORE before and $LOADAVG_AFTER after. $(if [[ -n $noisy ]]; then echo "Runs where other work used $NOISY_CORES cores or more (marked noisy): $noisy."; else echo "No run had other work at or above $NOISY_CORES cores."; fi)$(if ((${#DISCARDED[@]} > 0)); then echo " Groups measured again: ${#DISCARDED[@]} discarded run(s), in the per-run table."; fi)"
  echo
  echo "## Memory (VmRSS, sampled every 200 ms)"
  echo
  echo "\"Idle\" is after start-up (Modelplane: endpoint READY) and one non-streamed and one streamed request, before any"
  echo "load; \"under load\" is the peak over all measured runs; \"after\" is 5 s after the last run."
  echo
  echo "| Process | Idle | Peak under load | After |"
  echo "|---|---|---|---|"
  for way in "${WAYS[@]}"; do
    local what=${WAY_NAME[$way]}
    case $way in
      direct) what="fake upstream (Node)" ;;
      modelplane) what="Modelplane node (\`modelplane serve\`)" ;;
      portkey) what="Portkey gateway (Node)" ;;
    esac
    echo "| $what | $(mib "${RSS_IDLE[$way]}") MiB | $(mib "${RSS_PEAK[$way]}") MiB | $(mib "${RSS_AFTER[$way]}") MiB |"
  done
  echo
  echo "## What each way is"
  echo
  echo "- **direct**: \`POST $UPSTREAM_URL/v1/chat/completions\` to \`bench/gateway/fake-upstream.js\` (Node http, one"
  echo "  process): the recorded \`chat.completion\` of \`tests/testdata/openai/examples/chat_default.response.json\`, or for"
  echo "  \`\"stream\": true\` the recorded \`tests/testdata/openai/recorded_streams/chat_stream_plain_text.sse\`"
  echo "  ($(if [[ $EVENT_DELAY_MS == 0 ]]; then echo "all events in one write"; else echo "$EVENT_DELAY_MS ms between events"; fi)). Header \`${WAY_HEADERS[direct]}\`."
  if [[ $MODELPLANE == 1 ]]; then
    echo "- **Modelplane**: \`POST $NODE_URL/serving-endpoints/chat/completions\` with \`\"model\": \"$ENDPOINT\"\` and the node's admin"
    echo "  token; the endpoint was created with \`POST /api/2.0/serving-endpoints\`:"
    echo
    echo '  ```json'
    sed -e 's/^/  /' "$WORK/endpoint.json"
    echo '  ```'
    echo
  fi
  echo "- **Portkey**: \`POST $PORTKEY_URL/v1/chat/completions\` with \`x-portkey-provider: openai\`,"
  echo "  \`x-portkey-custom-host: $UPSTREAM_URL/v1\`, \`Authorization: Bearer bench\` (started as \`node --require"
  echo "  ./listen-loopback.cjs node_modules/@portkey-ai/gateway/build/start-server.js --port=$PORTKEY_PORT --headless\`)."
  echo
  echo "Request body (direct and Portkey; Modelplane's names \`$ENDPOINT\` as the model; the streamed one adds \`\"stream\":true\`):"
  echo "\`$(cat "$WORK/chat-direct.json")\`."
  echo
  echo "| Way | non-streamed answer bytes | streamed answer bytes | \`data:\` events |"
  echo "|---|---|---|---|"
  for way in "${WAYS[@]}"; do echo "| ${WAY_NAME[$way]} | ${ANSWER_BYTES[$way]} | ${STREAM_BYTES[$way]} | ${STREAM_EVENTS[$way]} |"; done
  echo
  echo "Every way answered \"Hello! How can I assist you today?\" and streamed \"${STREAM_TEXT}\" before the load runs."
  echo "Fake upstream's request counts over the whole run (warm-ups included): \`$(upstream_counts)\`."
  echo
  echo "## Per run: CPU (cores, averaged over the run), memory, requests, failures"
  echo
  echo "\"Gateway\" is the Modelplane node (with any child processes) or the Portkey process; \"upstream\" the fake; \"load\" wrk"
  echo "or ttfb.js; \"other\" = machine − those (idle servers, RSS samplers, anything else on the machine; about 0.1 is the"
  echo "floor, at or above $NOISY_CORES is marked noisy). Gateway µs/req is its CPU time per completed request."
  echo
  echo "| Run | gateway | upstream | load | other | gateway CPU µs/req | peak gateway RSS | requests | failures |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for id in "${RUN_IDS[@]}" "${DISCARDED[@]}"; do run_row "$id"; done
  echo
  echo "## Errors"
  echo
  local bad=0
  for id in "${RUN_IDS[@]}"; do if [[ -n ${R[$id.failures]} ]]; then echo "- $id: ${R[$id.failures]}"; bad=1; fi; done
  ((bad == 1)) || echo "- No failed request in any measured run (wrk: no non-2xx, no socket errors; ttfb.js: every stream 200 and ended with \`data: [DONE]\`)."
  if [[ $MODELPLANE == 1 ]]; then
    echo "- Node log: $(grep -cE '^(warn|fail|crit):' "$WORK/node.log" || true) warn/fail/crit entries."
    if grep -qE '^(fail|crit):' "$WORK/node.log"; then
      echo
      echo '```'
      grep -A4 -E '^(fail|crit):' "$WORK/node.log" | head -n 30
      echo '```'
    fi
    if [[ -s $WORK/metrics.txt ]]; then
      echo "- \`$ENDPOINT\` metrics at the end: $(grep -E '^(request_count_total|request_4xx_count_total|request_5xx_count_total)[{ ]' "$WORK/metrics.txt" \
        | sed -E 's/endpoint_name="[^"]*",?//' | awk '{ printf "%s`%s` %s", (NR > 1 ? ", " : ""), $1, $NF }')"
    fi
  fi
  echo "- Portkey log: $(grep -ciE 'error' "$WORK/portkey.log" || true) lines mentioning \"error\"."
  echo
  echo "## Raw outputs"
  for id in "${RUN_IDS[@]}" "${DISCARDED[@]}"; do
    echo
    echo "### $id"
    echo
    echo '```'
    cat "$WORK/raw-$id.txt"
    echo '```'
  done
}
