# Results of bench/run.sh (sourced, not run): write_chart writes <results>.dat, <results>.gp and <results>.png (gnuplot);
# write_report prints the Markdown report. Both read the globals run.sh set (RUNS, COLD_ROWS, RSS_*, knobs…).
# shellcheck shell=bash

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "?" || b == "?" || a == "" || b == "" || b + 0 == 0) print "?"; else printf "%.2f", a / b }'; }
fmt_int() { awk -v v="$1" 'BEGIN { if (v == "?" || v == "") print "?"; else printf "%.0f", v }'; }
fmt_ms() { awk -v v="$1" 'BEGIN { if (v == "?" || v == "") print "?"; else if (v < 10) printf "%.2f", v; else printf "%.1f", v }'; }
rows_label() { if [[ $1 == 1 ]]; then echo "1 row"; else echo "$1 rows"; fi; }
# join SEP values…
join() { local sep=$1 out="" v; shift; for v in "$@"; do out+=${out:+$sep}$v; done; printf '%s' "$out"; }
# Across the one-row sweep: "<fn of node run> · …" for column col; kind is node, echo or ratio (node / echo).
sweep() { # kind column formatter
  local conc vals=() v
  for conc in $CONCS; do
    case $1 in
      node) v=$(field "node-r1-c$conc" "$2") ;;
      echo) v=$(field "echo-r1-c$conc" "$2") ;;
      ratio) v=$(ratio "$(field "node-r1-c$conc" "$2")" "$(field "echo-r1-c$conc" "$2")") ;;
    esac
    if [[ $1 != ratio ]]; then v=$($3 "$v"); fi
    vals+=("$v")
  done
  join " · " "${vals[@]}"
}
cold_seconds() { local r; for r in "${COLD_ROWS[@]}"; do cut -d'|' -f3 <<<"$r"; done | grep -E '^[0-9.]+$' || true; }
cold_median() { cold_seconds | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "?"; else if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# metric_mean endpoint histogram -> "<sum/count> (<count> observations)" from metrics-<endpoint>.txt, all label sets.
metric_mean() {
  [[ -s $WORK/metrics-$1.txt ]] || { echo "? (no metrics)"; return; }
  awk -v h="$2" '$1 ~ "^" h "_sum([{]|$)" { s += $NF } $1 ~ "^" h "_count([{]|$)" { c += $NF }
    END { if (c > 0) printf "%.2f (%d observations)", s / c, c; else print "none recorded" }' "$WORK/metrics-$1.txt"
}
noisy_ids() { local r id; for r in "${RUNS[@]}"; do id=${r%%|*}; [[ $id == *discarded* ]] && continue; if noisy "$id"; then printf '%s ' "$id"; fi; done; }

CHART_BASE=${RESULTS%.md}
CHART_DAT=$CHART_BASE.dat
CHART_GP=$CHART_BASE.gp
CHART_PNG=$CHART_BASE.png

write_chart() {
  local conc name
  name=$(basename "$CHART_BASE")
  {
    echo "# bench/run.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT: one-row body through iris-classifier (node) and the echo"
    echo "# concurrency  echo_rps  node_rps  echo_p50_ms  node_p50_ms  echo_p99_ms  node_p99_ms"
    for conc in $CONCS; do
      echo "$conc $(field "echo-r1-c$conc" 2) $(field "node-r1-c$conc" 2) $(field "echo-r1-c$conc" 3) $(field "node-r1-c$conc" 3) $(field "echo-r1-c$conc" 4) $(field "node-r1-c$conc" 4)"
    done
  } >"$CHART_DAT"
  cat >"$CHART_GP" <<EOF
# gnuplot script written by bench/run.sh; run it from this folder: gnuplot $name.gp
set terminal pngcairo size 1100,460 font "sans,10"
set output '$name.png'
set datafile missing '?'
set multiplot layout 1,2 title "iris-classifier through worker replicas vs bare Kestrel echo, one-row body ($(date -u +%Y-%m-%d), $(nproc) cores shared with wrk)"
set logscale x 2
set xrange [$(awk -v a="${CONCS%% *}" 'BEGIN { print a / 1.5 }'):$(awk -v b="${CONCS##* }" 'BEGIN { print b * 1.5 }')]
set xtics ($(join ", " $CONCS))
set xlabel 'concurrency (wrk -c)'
set grid
set key top left
set title 'throughput'
set ylabel 'requests per second'
set yrange [0:*]
plot '$name.dat' using 1:2 with linespoints lw 2 pt 7 title 'echo', \\
     '' using 1:3 with linespoints lw 2 pt 5 title 'node (iris-classifier)'
set title 'p99 latency'
set ylabel 'p99 (ms)'
set logscale y 10
set yrange [*:*]
plot '$name.dat' using 1:6 with linespoints lw 2 pt 7 title 'echo', \\
     '' using 1:7 with linespoints lw 2 pt 5 title 'node (iris-classifier)'
unset multiplot
EOF
  (cd "$(dirname "$CHART_GP")" && gnuplot "$name.gp") 2>"$WORK/gnuplot.log" || log "warning: gnuplot failed: $(cat "$WORK/gnuplot.log")"
}

write_report() {
  local conc rows e m mark first_conc last_conc best_echo best_conc median noisy_list
  first_conc=${CONCS%% *} last_conc=${CONCS##* }
  median=$(cold_median)
  noisy_list=$(noisy_ids)
  best_echo=0 best_conc=?
  for conc in $CONCS; do
    if awk -v a="$(field "echo-r1-c$conc" 2)" -v b="$best_echo" 'BEGIN { exit !(a + 0 > b + 0) }'; then best_echo=$(field "echo-r1-c$conc" 2) best_conc=$conc; fi
  done

  echo "# Modelplane serving benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "\`bench/run.sh\` on commit \`$COMMIT\` (Release build): \`iris-classifier\` (\`$MODEL\` v1, workload Small: one"
  echo "\`Modelplane.Worker\` replica, 4 concurrent requests per replica) on a node started with \`modelplane serve\`, against a"
  echo "bare Kestrel JSON echo (\`bench/EchoServer\`) measured in the same run. wrk ${DURATION} s per run after a ${WARMUP} s warm-up;"
  echo "\`-t1\` at concurrency 1, \`-t2\` above. **wrk, the node, its workers and the echo share the same $(nproc) cores**: compare"
  echo "the ratios, not the absolutes. Transport choice (framing vs HTTP/2) is measured separately: [transport-2026-11-29.md](transport-2026-11-29.md)."
  echo
  echo "## Headline (issue 3, \"Done when\")"
  echo
  echo "| Figure | Result |"
  echo "|---|---|"
  echo "| Throughput, node ÷ echo, one-row body, c$(join " · c" $CONCS) | **$(sweep ratio 2)** (node $(sweep node 2 fmt_int) req/s; echo $(sweep echo 2 fmt_int) req/s) |"
  echo "| p50 latency, node ÷ echo | **$(sweep ratio 3)** (node $(sweep node 3 fmt_ms) ms; echo $(sweep echo 3 fmt_ms) ms) |"
  echo "| p99 latency, node ÷ echo | **$(sweep ratio 4)** (node $(sweep node 4 fmt_ms) ms; echo $(sweep echo 4 fmt_ms) ms) |"
  for conc in $HEAVY_CONCS; do
    e=echo-r150-c$conc m=node-r150-c$conc
    echo "| 150-row body at c$conc, node ÷ echo: req/s · p50 · p99 | **$(ratio "$(field "$m" 2)" "$(field "$e" 2)") · $(ratio "$(field "$m" 3)" "$(field "$e" 3)") · $(ratio "$(field "$m" 4)" "$(field "$e" 4)")** (node $(fmt_int "$(field "$m" 2)") req/s = $(awk -v r="$(field "$m" 2)" 'BEGIN { printf "%.0f", r * 150 }') rows/s, p99 $(fmt_ms "$(field "$m" 4)") ms) |"
  done
  for conc in $BATCH_CONCS; do
    e=batch-off-c$conc m=batch-on-c$conc
    echo "| Batching on ÷ off at c$conc (\`max_batch_size\` $BATCH_SIZE, \`max_batch_delay_ms\` $BATCH_DELAY_MS): req/s · p50 · p99 | **$(ratio "$(field "$m" 2)" "$(field "$e" 2)") · $(ratio "$(field "$m" 3)" "$(field "$e" 3)") · $(ratio "$(field "$m" 4)" "$(field "$e" 4)")** (off $(fmt_int "$(field "$e" 2)") → on $(fmt_int "$(field "$m" 2)") req/s; p50 $(fmt_ms "$(field "$e" 3)") → $(fmt_ms "$(field "$m" 3)") ms; p99 $(fmt_ms "$(field "$e" 4)") → $(fmt_ms "$(field "$m" 4)") ms) |"
  done
  echo "| Cold start from zero replicas, send → answer (median of ${#COLD_ROWS[@]}) | **${median} s** ($(join " · " $(cold_seconds)) s; HTTP $(join " · " $(for r in "${COLD_ROWS[@]}"; do cut -d'|' -f2 <<<"$r"; done))) |"
  echo "| Idle memory (VmRSS): node · one replica | **$(mib "$RSS_IDLE_NODE") MiB · $(mib "$RSS_IDLE_WORKER") MiB** (peak under load $(mib "$RSS_PEAK_NODE") · $(mib "$RSS_PEAK_WORKER") MiB; echo idle $(mib "$RSS_IDLE_ECHO") MiB) |"
  echo "| This machine's echo ceiling (best of the sweep) | $(fmt_int "$best_echo") req/s at c$best_conc, wrk on the same cores |"
  local kept=0 r
  for r in "${RUNS[@]}"; do [[ ${r%%|*} == *discarded* ]] || kept=$((kept + 1)); done
  if [[ -n $noisy_list ]] && (($(wc -w <<<"$noisy_list") == kept)); then
    echo "| Noise | **every run noisy**: other work used ≥ ${NOISY_CORES} cores during each (see \"other\" in the CPU table), after retries; machine CPU idle before the runs $QUIET_BEFORE cores |"
  elif [[ -n $noisy_list ]]; then
    echo "| Noise | **noisy** (other work used ≥ ${NOISY_CORES} cores during, after retries): $noisy_list; machine CPU idle before the runs $QUIET_BEFORE cores |"
  else
    echo "| Noise | every kept run had other work under ${NOISY_CORES} cores; machine CPU idle before the runs $QUIET_BEFORE cores |"
  fi
  echo
  echo "![throughput and p99 vs concurrency, node and echo]($(basename "$CHART_PNG"))"
  echo
  echo "Chart data: [$(basename "$CHART_DAT")]($(basename "$CHART_DAT")), script: [$(basename "$CHART_GP")]($(basename "$CHART_GP"))."
  echo
  echo "- Machine: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
  echo "- .NET SDK $(dotnet --version); $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1,2); $(gnuplot --version)"
  echo "- Whole bench: $((BENCH_SECONDS / 60)) min $((BENCH_SECONDS % 60)) s, of which the build $BUILD_SECONDS s; retries for noise: $RETRY_SPENT s (budget $RETRY_BUDGET s)"
  echo "- Machine CPU with the servers idle, just before the runs: $QUIET_BEFORE cores (the script waits up to ${QUIET_WAIT} s for under ${NOISY_CORES})"
  echo "- Load average (1/5/15 min) when the load runs started: $LOADAVG_BEFORE; when they ended: $LOADAVG_AFTER"
  echo "- Node environment: \`$NODE_SETTINGS\`${NODE_ENV:+ \`$NODE_ENV\`} (scale-to-zero idle time and autoscaler interval, for the cold starts)"
  echo "- Endpoints on the node: \`$ENDPOINT\` (measured; served entity \`iris-1\`), \`$BATCHED\` (served entity \`$BATCHED\`, \`max_batch_size\` $BATCH_SIZE, \`max_batch_delay_ms\` $BATCH_DELAY_MS) and \`$COLD\` (\`scale_to_zero_enabled\`), all Small"
  echo "- Replica command line: \`$WORKER_CMD\`"
  echo "- Node log (stderr, to a file): $(wc -l <"$WORK/node.log") lines, $(mib $(($(stat -c %s "$WORK/node.log") / 1024))) MiB over the whole run"
  echo "- Bodies: one-row \`dataframe_split\` ($(wc -c <"$WORK/iris-1.json") bytes) and 150-row \`dataframe_split\` ($(wc -c <"$WORK/iris-150.json") bytes: all of iris.csv; the node's answer matched $ACCURACY labels)"
  echo
  echo "## Throughput and latency: iris-classifier vs the echo"
  echo
  echo "Ratios are node / echo: below 1 for req/s means the node is slower; above 1 for latency and CPU means it costs more."
  echo "\"(noisy)\" marks a pair during which other work used ${NOISY_CORES} cores or more (after retries): trust it less."
  echo "CPU µs/req is the server's own CPU time (user + system; for the node, the node process plus its worker processes)"
  echo "divided by the requests wrk completed; \"worker cores\" is the part of the node's CPU spent in worker processes."
  echo
  echo "| Body | Conc | echo req/s | node req/s | ratio | echo p50 ms | node p50 ms | ratio | echo p99 ms | node p99 ms | ratio | echo CPU µs/req | node CPU µs/req | ratio | node cores (worker) | node rows/s |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for pair in $(for c in $CONCS; do echo "1:$c"; done) $(for c in $HEAVY_CONCS; do echo "150:$c"; done); do
    rows=${pair%%:*} conc=${pair#*:}
    e=echo-r$rows-c$conc m=node-r$rows-c$conc
    mark=""
    if noisy "$e" || noisy "$m"; then mark=" (noisy)"; fi
    echo "| $(rows_label "$rows")$mark | $conc | $(fmt_int "$(field "$e" 2)") | $(fmt_int "$(field "$m" 2)") | $(ratio "$(field "$m" 2)" "$(field "$e" 2)") | $(fmt_ms "$(field "$e" 3)") | $(fmt_ms "$(field "$m" 3)") | $(ratio "$(field "$m" 3)" "$(field "$e" 3)") | $(fmt_ms "$(field "$e" 4)") | $(fmt_ms "$(field "$m" 4)") | $(ratio "$(field "$m" 4)" "$(field "$e" 4)") | $(fmt_int "$(field "$e" 11)") | $(fmt_int "$(field "$m" 11)") | $(ratio "$(field "$m" 11)" "$(field "$e" 11)") | $(field "$m" 8) ($(field "$m" 12)) | $(awk -v r="$(field "$m" 2)" -v n="$rows" 'BEGIN { printf "%.0f", r * n }') |"
  done
  echo
  echo "## Adaptive batching, on vs off"
  echo
  echo "The same one-row body to \`$ENDPOINT\` (no batching) and then to \`$BATCHED\` (\`max_batch_size\` $BATCH_SIZE rows,"
  echo "\`max_batch_delay_ms\` $BATCH_DELAY_MS), one replica each; ratio = on / off."
  echo
  echo "| Conc | off req/s | on req/s | ratio | off p50 ms | on p50 ms | ratio | off p99 ms | on p99 ms | ratio | off CPU µs/req | on CPU µs/req | ratio | off / on worker cores |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for conc in $BATCH_CONCS; do
    e=batch-off-c$conc m=batch-on-c$conc
    mark=""
    if noisy "$e" || noisy "$m"; then mark=" (noisy)"; fi
    echo "| $conc$mark | $(fmt_int "$(field "$e" 2)") | $(fmt_int "$(field "$m" 2)") | $(ratio "$(field "$m" 2)" "$(field "$e" 2)") | $(fmt_ms "$(field "$e" 3)") | $(fmt_ms "$(field "$m" 3)") | $(ratio "$(field "$m" 3)" "$(field "$e" 3)") | $(fmt_ms "$(field "$e" 4)") | $(fmt_ms "$(field "$m" 4)") | $(ratio "$(field "$m" 4)" "$(field "$e" 4)") | $(fmt_int "$(field "$e" 11)") | $(fmt_int "$(field "$m" 11)") | $(ratio "$(field "$m" 11)" "$(field "$e" 11)") | $(field "$e" 12) / $(field "$m" 12) |"
  done
  echo
  echo "Rows per model run over the whole bench (warm-ups included), from each endpoint's \`batch_size\` histogram"
  echo "(\`GET /api/2.0/serving-endpoints/{name}/metrics\`, sum ÷ count): \`$ENDPOINT\` $(metric_mean "$ENDPOINT" batch_size),"
  echo "\`$BATCHED\` $(metric_mean "$BATCHED" batch_size)."
  echo
  echo "## Cold start from zero replicas"
  echo
  echo "\`$COLD\` scales to zero ${COLD_IDLE_MINUTES} min after its last request (autoscaler every ${AUTOSCALE_INTERVAL} s). Each round waits"
  echo "until the endpoint lists no replica and no \`Modelplane.Worker\` process of it is left, then times one one-row"
  echo "request from send to answer (\`curl -w %{time_total}\`): start of a worker process, image load, warm-up inference,"
  echo "the request itself. \"Busy cores\" is what the whole machine used during the request."
  echo
  echo "| Round | HTTP | Send → answer, s | Seen at zero, after the previous answer | Busy cores | Replica pid after |"
  echo "|---|---|---|---|---|---|"
  for r in "${COLD_ROWS[@]}"; do
    IFS='|' read -r round code seconds zero busy pid <<<"$r"
    echo "| $round | $code | $seconds | $zero | $busy | ${pid:-none} |"
  done
  echo
  echo "Median: **${median} s**. The node's own \`cold_start_seconds\` histogram (request at zero → first replica ready):"
  echo "mean in s $(metric_mean "$COLD" cold_start_seconds). The served entity's log lines around the cold starts"
  echo "(\`GET …/served-models/$COLD/logs\`):"
  echo
  echo '```'
  logs_text "$WORK/$COLD-logs.json" | grep -E 'zero replicas|cold start|ready|READY|Autoscaler|Warm-up' | tail -n 24
  echo '```'
  echo
  echo "## Resident memory (VmRSS, sampled every 200 ms)"
  echo
  echo "\"Idle\" is with \`$ENDPOINT\` READY (its replica has run its warm-up inference) and no query yet, before the other two"
  echo "endpoints were created. \"Peak\" is over the load runs above (all endpoints present)."
  echo
  echo "| Process | Idle | Peak during the load runs | 5 s after the cold starts |"
  echo "|---|---|---|---|"
  echo "| node (\`modelplane serve\`) | $(mib "$RSS_IDLE_NODE") MiB | $(mib "$RSS_PEAK_NODE") MiB | $(mib "$RSS_AFTER_NODE") MiB |"
  echo "| \`$ENDPOINT\` replica (pid $WORKER_PID) | $(mib "$RSS_IDLE_WORKER") MiB | $(mib "$RSS_PEAK_WORKER") MiB | $(mib "$RSS_AFTER_WORKER") MiB (pid ${WORKER_PID_AFTER:-none}) |"
  echo "| \`$BATCHED\` replica | | $(mib "$RSS_PEAK_BATCHED") MiB | |"
  echo "| echo | $(mib "$RSS_IDLE_ECHO") MiB | $(mib "$RSS_PEAK_ECHO") MiB | $(mib "$RSS_AFTER_ECHO") MiB |"
  echo
  echo "Peak per run, node · replica: $(for r in "${RUNS[@]}"; do id=${r%%|*}; [[ $id == node-* || $id == batch-* ]] && printf '%s %s · %s MiB; ' "$id" "$(mib "$(field "$id" 7)")" "$(mib "$(field "$id" 13)")"; done)"
  if ((${#REPLACED[@]} > 0)); then
    echo
    echo "**Replicas replaced during the bench** (crash or recycle): $(join "; " "${REPLACED[@]}")"
  fi
  if [[ $DIAG == 1 ]]; then
    echo
    echo "## Diagnostics: a trivial GET through each layer"
    echo
    echo "\`echo GET /\` is bare Kestrel; \`node GET /v2/health/live\` adds the node's middleware (error mapper, status pages,"
    echo "request id, authentication finding no header, authorization) and routing; \`node GET /v2\` adds bearer-token"
    echo "validation. The gap between these and the invocation rows above is the invocation path itself (node and worker)."
    echo
    echo "| Route | Conc | req/s | p50 ms | p99 ms | CPU µs/req | req/s vs echo GET / | CPU vs echo GET / |"
    echo "|---|---|---|---|---|---|---|---|"
    local base basec id
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
  echo "## Errors and warnings"
  echo
  local bad=0 r
  for r in "${RUNS[@]}"; do
    IFS='|' read -r id _ _ _ n2 err _ <<<"$r"
    if [[ $n2 != 0 || $err != none ]]; then echo "- $id: $n2 non-2xx answers, socket errors: $err"; bad=1; fi
  done
  ((bad == 1)) || echo "- No non-2xx answers and no socket errors in any wrk run."
  echo "- Node log: $(grep -cE '^(warn|fail|crit):' "$WORK/node.log" || true) warn/fail/crit entries$(grep -qE '^(fail|crit):' "$WORK/node.log" && echo "; the first fail/crit entries:" || echo ".")"
  if grep -qE '^(fail|crit):' "$WORK/node.log"; then
    echo
    echo '```'
    grep -A4 -E '^(fail|crit):' "$WORK/node.log" | head -n 40
    echo '```'
  fi
  local ep
  for ep in "$ENDPOINT" "$BATCHED" "$COLD"; do
    [[ -s $WORK/metrics-$ep.txt ]] || { echo "- \`GET /api/2.0/serving-endpoints/$ep/metrics\` gave nothing."; continue; }
    echo "- \`$ep\` metrics at the end: $(grep -E '^(request_count_total|request_4xx_count_total|request_5xx_count_total|cold_start_count_total|replica_count)[{ ]' "$WORK/metrics-$ep.txt" \
      | sed -E 's/endpoint_name="[^"]*",?//' | awk '{ printf "%s`%s` %s", (NR > 1 ? ", " : ""), $1, $NF }')"
  done
  echo
  echo "## CPU use per run (cores, averaged over the run) and errors"
  echo
  echo "\"Server\" is the measured process (for the node: the node and its worker processes; \"worker\" is their part)."
  echo "\"Other\" is machine CPU minus server minus wrk: idle servers, the RSS samplers and anything else running on the"
  echo "machine. Much above 0.1 means something else competed for the cores during that run."
  echo
  echo "| Run | server | (worker) | wrk | other | non-2xx | socket errors | replica pids |"
  echo "|---|---|---|---|---|---|---|---|"
  for r in "${RUNS[@]}"; do
    IFS='|' read -r id _ _ _ bad err _ sc wc oc _ wk _ pids <<<"$r"
    echo "| $id | $sc | $wk | $wc | $oc | $bad | $err | $pids |"
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
}
