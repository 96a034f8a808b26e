# The HTTP part of bench/embeddings/run.sh (sourced, not run): a node serving system.ai.arctic_embed_xs on two endpoints,
# adaptive batching off (arctic-unbatched) and on (arctic-batched), loaded with one-sentence OpenAI embeddings requests.
# Reads and sets run.sh's globals (WORK, DATA, NODE_*, TOKEN, H, RUNS, RSS_IDLE_NODE, QUIET_BEFORE, knobs…).
# shellcheck shell=bash

# endpoint_body name [batching fields]: the POST /api/2.0/serving-endpoints body of one served entity on MODEL version 1.
endpoint_body() {
  printf '{"name": "%s", "config": {"served_entities": [{"name": "%s", "entity_name": "%s", "entity_version": "1"%s}]}}\n' \
    "$1" "$1" "$MODEL" "${2:+, $2}"
}
create_endpoint() { # name [batching fields]
  local code
  endpoint_body "$@" >"$WORK/endpoint-$1.json"
  code=$(curl -sS -o "$WORK/create-$1.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "@$WORK/endpoint-$1.json" "$NODE_URL/api/2.0/serving-endpoints") || die "POST /api/2.0/serving-endpoints ($1) failed."
  [[ $code == 200 ]] || die "POST /api/2.0/serving-endpoints ($1) answered $code: $(head -c 600 "$WORK/create-$1.json")"
}
wait_ready() { # name: polls every 0.5 s up to READY_TIMEOUT; dies with the build logs on a failed update or the timeout
  local deadline=$((SECONDS + READY_TIMEOUT)) json
  while ((SECONDS < deadline)); do
    json=$(endpoint_json "$1")
    grep -q '"ready":"READY"' <<<"$json" && return 0
    if grep -q '"config_update":"UPDATE_FAILED"' <<<"$json"; then break; fi
    sleep 0.5
  done
  save_entity_logs "$1" "$1"
  die "endpoint $1 is not READY: $(endpoint_json "$1" | head -c 600); build logs: $(logs_text "$WORK/$1-build-logs.json" | tail -n 15)"
}
# batch_stats name -> "<sum> <count>" of the endpoint's batch_size histogram (0 0 when it has none).
batch_stats() {
  curl -sS --max-time 10 -H "Authorization: Bearer $TOKEN" "$NODE_URL/api/2.0/serving-endpoints/$1/metrics" 2>/dev/null \
    | awk '$1 ~ /^batch_size_sum/ { s += $NF } $1 ~ /^batch_size_count/ { c += $NF } END { printf "%d %d\n", s, c }' || echo "0 0"
}
# The numbers of data[0].embedding of an embeddings answer, one per line.
vector_of() { tr -d ' \n' <"$1" | grep -o '"embedding":\[[^]]*\]' | head -n 1 | sed -e 's/^"embedding":\[//' -e 's/\]$//' | tr ',' '\n'; }
cosine() { paste -d' ' <(vector_of "$1") <(vector_of "$2") | awk '{ d += $1 * $2; a += $1 * $1; b += $2 * $2 } END { if (a * b > 0) printf "%.7f", d / sqrt(a * b); else print "?" }'; }

declare -A SAMPLED=()
sample_replicas() { # endpoint: one RSS sampler per replica process (rss-worker-<endpoint>.txt), for run_wrk's peak
  local pid
  for pid in $(replica_pids "$1"); do
    [[ -n ${SAMPLED[$pid]:-} ]] && continue
    SAMPLED[$pid]=$1
    rss_sampler "$pid" "$WORK/rss-worker-$1.txt" &
    PIDS+=("$!")
  done
}

# measure_pair conc id…: run_wrk for each id ("<endpoint>-c<conc>"), the batching-off one first (the baseline), with
# the endpoint's batch_size histogram read before and after; measured again like lib.sh's measure_group when other work
# used NOISY_CORES or more during any run of the pair.
measure_pair() {
  local conc=$1 attempt id ep started any s0 c0 s1 c1
  shift
  for ((attempt = 0; ; attempt++)); do
    started=$SECONDS
    if ((attempt > 0)); then
      for id in "$@"; do discard "$id" "$attempt"; done
      wait_quiet "$((QUIET_WAIT < RETRY_BUDGET - RETRY_SPENT ? QUIET_WAIT : RETRY_BUDGET - RETRY_SPENT))"
    fi
    for id in "$@"; do
      ep=${id%-c*}
      read -r s0 c0 < <(batch_stats "$ep")
      run_wrk "$id" node "$NODE_URL/serving-endpoints/embeddings" post.lua "$conc" "$WORK/body-$ep.json" "$TOKEN" "$ep"
      read -r s1 c1 < <(batch_stats "$ep")
      H[$id.rows]=$(awk -v s=$((s1 - s0)) -v c=$((c1 - c0)) 'BEGIN { if (c > 0) printf "%.2f", s / c; else print "?" }')
      H[$id.runs]=$((c1 - c0))
      # Without a batcher the node records no batch_size: each request is one model run of its one row.
      if [[ $ep == "$OFF" && ${H[$id.rows]} == "?" ]]; then H[$id.rows]="1 (no batcher)" H[$id.runs]="= requests"; fi
    done
    if ((attempt > 0)); then RETRY_SPENT=$((RETRY_SPENT + SECONDS - started)); fi
    any=0
    for id in "$@"; do if noisy "$id"; then any=1; fi; done
    ((any == 1)) || break
    if ((attempt >= NOISY_RETRIES || RETRY_SPENT >= RETRY_BUDGET)); then
      log "other work used the machine during $*; keeping it, marked noisy"
      break
    fi
    log "other work used the machine during $*; measuring it again"
  done
}

run_http() {
  DATA=$(mktemp -d "$WORK/data.XXXXXX")
  log "starting a node on $NODE_URL (data dir $DATA)"
  # shellcheck disable=SC2086 # NODE_ENV is a list of NAME=VALUE words on purpose.
  start_node $NODE_ENV
  wait_node_token
  rss_sampler "$NODE_PID" "$WORK/rss-node.txt" &
  PIDS+=("$!")

  log "creating $OFF and $ON (max_batch_size $BATCH_SIZE, max_batch_delay_ms $BATCH_DELAY_MS) on $MODEL version 1"
  local t0=$SECONDS ep
  create_endpoint "$OFF"
  create_endpoint "$ON" "\"max_batch_size\": $BATCH_SIZE, \"max_batch_delay_ms\": $BATCH_DELAY_MS"
  wait_ready "$OFF"
  wait_ready "$ON"
  READY_SECONDS=$((SECONDS - t0))
  endpoint_json "$ON" >"$WORK/$ON.json"
  grep -q "\"max_batch_size\":$BATCH_SIZE" "$WORK/$ON.json" || die "$ON does not show max_batch_size $BATCH_SIZE: $(head -c 600 "$WORK/$ON.json")"
  for ep in "$OFF" "$ON"; do sample_replicas "$ep"; done

  # Correctness before load: each endpoint answers the body with one 384-float vector; both give the same vector.
  for ep in "$OFF" "$ON"; do
    printf '{"model": "%s", "input": "%s"}\n' "$ep" "$SENTENCE" >"$WORK/body-$ep.json"
    curl -fsS --max-time 60 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary "@$WORK/body-$ep.json" \
      "$NODE_URL/serving-endpoints/embeddings" -o "$WORK/answer-$ep.json" || die "$ep: the embeddings request failed: $(head -c 600 "$WORK/answer-$ep.json" 2>/dev/null)"
    [[ $(vector_of "$WORK/answer-$ep.json" | wc -l) == 384 ]] || die "$ep: the answer holds no 384-float embedding: $(head -c 600 "$WORK/answer-$ep.json")"
  done
  ANSWER_COS=$(cosine "$WORK/answer-$OFF.json" "$WORK/answer-$ON.json")
  awk -v c="$ANSWER_COS" 'BEGIN { exit !(c >= 0.9999) }' || die "$ON and $OFF answered different vectors (cos $ANSWER_COS)."
  PROMPT_TOKENS=$(tr -d ' \n' <"$WORK/answer-$OFF.json" | grep -o '"prompt_tokens":[0-9]*' | cut -d: -f2 || echo '?')
  ANSWER_BYTES=$(wc -c <"$WORK/answer-$OFF.json")
  log "both endpoints answered a 384-float vector (cos $ANSWER_COS between them, prompt_tokens $PROMPT_TOKENS)"
  sleep 2
  RSS_IDLE_NODE=$(rss_now "$NODE_PID")

  wait_quiet_before_load
  log "warm-up: ${GLOBAL_WARMUP}s per endpoint at -t2 -c$CONC"
  for ep in "$OFF" "$ON"; do
    BENCH_BODY=$WORK/body-$ep.json BENCH_TOKEN=$TOKEN wrk -t2 -c"$CONC" -d"${GLOBAL_WARMUP}s" -s bench/post.lua \
      "$NODE_URL/serving-endpoints/embeddings" >/dev/null
  done
  LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  measure_pair "$CONC" "$OFF-c$CONC" "$ON-c$CONC"
  measure_pair 1 "$OFF-c1" "$ON-c1"
  LOADAVG_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

  for ep in "$OFF" "$ON"; do
    curl -sS --max-time 10 -H "Authorization: Bearer $TOKEN" "$NODE_URL/api/2.0/serving-endpoints/$ep/metrics" -o "$WORK/metrics-$ep.txt" 2>/dev/null || true
    save_entity_logs "$ep" "$ep"
    REPLICA_PIDS[$ep]=$(replica_pids "$ep")
  done
}
RETRY_SPENT=0
LOADAVG_BEFORE=
LOADAVG_AFTER=
READY_SECONDS=
declare -A REPLICA_PIDS=()
