# Helpers of bench/run.sh and bench/gateway/run.sh (sourced, not run): set-up and teardown, memory, the node's API, CPU
# accounting, quiet-machine waits, and bench/run.sh's wrk runs (run_wrk, measure_group; the gateway bench has its own
# measure_group). They read the script's globals: ROOT, WORK, HZ, PIDS, CLI_DLL, DATA, NODE_PID, ECHO_PID, NODE_PORT,
# NODE_URL, TOKEN, DURATION, WARMUP, KEEP_WORK, RESULTS, NOISY_CORES, NOISY_RETRIES, RETRY_BUDGET, QUIET_WAIT.
# shellcheck shell=bash

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- set-up and teardown -----------------------------------------------------------------------------------------------
install_missing() { # command package: apt-installs the package when the command is missing (as root; dies otherwise)
  command -v "$1" >/dev/null && return 0
  [[ $(id -u) == 0 ]] || die "$1 is missing; install it (apt-get install -y $2) or run as root."
  log "$1 is missing: apt-get update && apt-get install -y $2"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2"
}
need_tools() { local tool; for tool in "$@"; do command -v "$tool" >/dev/null || die "$tool is needed."; done; }
ports_free() { # port…: dies when something already listens on one of them on 127.0.0.1
  local port
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port on 127.0.0.1 is already in use."; fi
  done
}

# finish status file…: the end of a script's EXIT trap. Kills the processes in PIDS (servers, samplers) and waits for
# them; after a failure (status ≠ 0) prints the last 20 lines of each non-empty file given; removes WORK unless
# KEEP_WORK=1; exits with status.
finish() {
  local status=$1 pid f
  shift
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $status != 0 ]]; then
    for f in "$@"; do
      if [[ -s $f ]]; then log "--- tail of $(basename "$f")"; tail -n 20 "$f" >&2; echo >&2; fi
    done
  fi
  if [[ $KEEP_WORK == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}

wait_http() { # url pid what: polls url every 0.2 s for up to 60 s; dies when pid exits first
  for _ in $(seq 1 300); do
    kill -0 "$2" 2>/dev/null || die "$3 exited during start-up."
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.2
  done
  die "$3 did not answer $1 within 60 s."
}

build_release() { # project file: dotnet build -c Release, appending to WORK/build.log; dies printing the log on failure
  dotnet build "$1" -c Release -nologo -v quiet >>"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; die "build of $(dirname "$1") failed."; }
}

# set_commit path…: COMMIT names what was measured: BENCH_COMMIT when set (a tree that is not a git checkout, e.g. a
# `git archive` export), else the short HEAD, plus ", with uncommitted changes in <path>/ or <path>/" when git status
# shows changes under the paths.
set_commit() {
  if [[ -n ${BENCH_COMMIT:-} ]]; then COMMIT=$BENCH_COMMIT; return 0; fi
  COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
  if [[ -n $(GIT_OPTIONAL_LOCKS=0 git status --porcelain -- "$@" 2>/dev/null) ]]; then
    COMMIT="$COMMIT, with uncommitted changes in $(printf '%s/ or ' "$@" | sed 's/ or $//')"
  fi
}

# start_node NAME=VALUE…: `modelplane serve` (CLI_DLL) on NODE_PORT with data dir DATA and those settings in its
# environment, stdout to WORK/node.out and the log to WORK/node.log; sets NODE_PID (env execs dotnet, so it is the
# node's) and adds it to PIDS. wait_node_token then waits for it to answer and reads its admin token into TOKEN.
start_node() {
  env "$@" dotnet "$CLI_DLL" serve --port "$NODE_PORT" --data-dir "$DATA" >"$WORK/node.out" 2>"$WORK/node.log" &
  NODE_PID=$!
  PIDS+=("$NODE_PID")
}
wait_node_token() {
  wait_http "$NODE_URL/v2/health/live" "$NODE_PID" "the node"
  for _ in $(seq 1 50); do [[ -s $DATA/admin-token ]] && break; sleep 0.2; done
  [[ -s $DATA/admin-token ]] || die "the node wrote no admin-token."
  TOKEN=$(tr -d '\n' <"$DATA/admin-token")
}

# set_results prefix: RESULTS, or bench/results/<prefix><UTC date>.md (then -2, -3… when taken); creates its folder.
set_results() {
  local date n=2
  date=$(date -u +%Y-%m-%d)
  if [[ -z $RESULTS ]]; then
    RESULTS=bench/results/$1$date.md
    while [[ -e $RESULTS ]]; do RESULTS=bench/results/$1$date-$n.md n=$((n + 1)); done
  fi
  mkdir -p "$(dirname "$RESULTS")"
}

# --- memory ------------------------------------------------------------------------------------------------------------
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
rss_now() { # pid -> kB (0 when the process is gone)
  if [[ -n $1 && -r /proc/$1/status ]]; then awk '/^VmRSS:/ { v = $2 } END { print v + 0 }' "/proc/$1/status" 2>/dev/null || echo 0; else echo 0; fi
}
# Max sampled RSS (kB) between two epoch times; 0 when the file is missing.
rss_peak() { if [[ -s $1 ]]; then awk -v a="$2" -v b="$3" '$1 >= a && $1 <= b && $2 > m { m = $2 } END { print m + 0 }' "$1"; else echo 0; fi; }
mib() { awk -v k="$1" 'BEGIN { if (k == "?" || k == "") print "?"; else printf "%.1f", k / 1024 }'; }

# --- the node's API ------------------------------------------------------------------------------------------------------
endpoint_json() { curl -fsS --max-time 10 -H "Authorization: Bearer $TOKEN" "$NODE_URL/api/2.0/serving-endpoints/$1" 2>/dev/null || true; }
# The process ids of an endpoint's replicas (config.served_entities[].replicas[].process_id), space-separated; the
# bench's endpoints have one served entity each.
replica_pids() { endpoint_json "$1" | grep -o '"process_id":[0-9]*' | cut -d: -f2 | tr '\n' ' ' | sed 's/ $//' || true; }
# Saves a served entity's server logs and build logs: endpoint entity.
save_entity_logs() {
  local what
  for what in logs build-logs; do
    curl -sS --max-time 10 -H "Authorization: Bearer $TOKEN" \
      "$NODE_URL/api/2.0/serving-endpoints/$1/served-models/$2/$what" -o "$WORK/$1-$what.json" 2>/dev/null || true
  done
}
# A logs answer ({"logs": "…"}) as plain lines.
logs_text() { [[ -s $1 ]] && sed -e 's/^{"logs":"//' -e 's/"}$//' -e 's/\\n/\n/g' -e 's/\\"/"/g' "$1" || true; }

# --- CPU accounting, in clock ticks ------------------------------------------------------------------------------------
# The whole machine (/proc/stat); one process (utime+stime); a process with its children (utime+stime+cutime+cstime,
# plus utime+stime of the children still running: the node and its worker processes); and this script's reaped
# children (cutime+cstime of $$: the wrk that just ran). "Other" CPU in a run = machine - server - wrk: anything else on
# the machine (idle servers, the samplers, and whatever else runs there) that competed for the same cores.
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
proc_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
children_ticks() { # pid -> utime+stime of its running children
  local c t=0
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null || true); do t=$((t + $(proc_ticks "$c"))); done
  echo "$t"
}
tree_ticks() { echo $(($(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat") + $(children_ticks "$1"))); }
child_ticks() { awk '{ sub(/^.*\) /, ""); print $14 + $15 }' "/proc/$$/stat"; }

# --- wrk runs ------------------------------------------------------------------------------------------------------------
# ms <value with unit> -> milliseconds
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
  f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : -1;
  if (f < 0) { print "?"; exit } printf "%.3f", n * f }'; }

RUNS=() # one "|"-separated record per run; columns below
# Columns: 1 id, 2 req/s, 3 p50 ms, 4 p99 ms, 5 non-2xx, 6 socket errors, 7 peak server RSS kB, 8 server cores (node:
# node + its workers), 9 wrk cores, 10 other cores, 11 server CPU µs per request, 12 worker cores (part of 8),
# 13 peak RSS kB of the measured endpoint's replica, 14 that endpoint's replica pids after the run.
field() { # id column
  local r
  for r in "${RUNS[@]}"; do [[ ${r%%|*} == "$1" ]] && { cut -d'|' -f"$2" <<<"$r"; return; }; done
  echo "?"
}
has_run() { [[ $(field "$1" 1) != "?" ]]; }

# run_wrk id server url script conc [body-file] [token] [endpoint]: a WARMUP s warm-up, then a DURATION s --latency run.
# server is "echo" or "node"; endpoint (node runs) names the endpoint whose replica's RSS file (rss-worker-<endpoint>.txt)
# gives the peak replica RSS.
run_wrk() {
  local id=$1 server=$2 url=$3 script=$4 conc=$5 body=${6:-} token=${7:-} endpoint=${8:-} threads=1 raw t0 t1 pid rssfile
  if ((conc > 1)); then threads=2; fi
  raw=$WORK/wrk-$id.txt
  if [[ $server == node ]]; then pid=$NODE_PID rssfile=$WORK/rss-node.txt; else pid=$ECHO_PID rssfile=$WORK/rss-echo.txt; fi
  log "$id: wrk -t$threads -c$conc ${WARMUP}s warm-up, ${DURATION}s run"
  BENCH_BODY=$body BENCH_TOKEN=$token wrk -t"$threads" -c"$conc" -d"${WARMUP}s" -s "bench/$script" "$url" >/dev/null
  local m0 s0 c0 w0 m1 s1 c1 w1
  m0=$(machine_ticks) c0=$(child_ticks)
  if [[ $server == node ]]; then s0=$(tree_ticks "$pid") w0=$(children_ticks "$pid"); else s0=$(proc_ticks "$pid") w0=0; fi
  t0=$EPOCHREALTIME
  BENCH_BODY=$body BENCH_TOKEN=$token wrk -t"$threads" -c"$conc" -d"${DURATION}s" --latency -s "bench/$script" "$url" >"$raw"
  t1=$EPOCHREALTIME
  m1=$(machine_ticks) c1=$(child_ticks)
  if [[ $server == node ]]; then s1=$(tree_ticks "$pid") w1=$(children_ticks "$pid"); else s1=$(proc_ticks "$pid") w1=0; fi
  local rps p50 p99 non2xx errors peak wpeak=0 requests cpu pids=""
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$raw")
  requests=$(awk '/ requests in / { print $1 }' "$raw")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$raw")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$raw")")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$raw")
  errors=$(awk '/Socket errors:/ { sub(/^ *Socket errors: */, ""); print }' "$raw")
  peak=$(rss_peak "$rssfile" "$t0" "$t1")
  if [[ -n $endpoint ]]; then
    wpeak=$(rss_peak "$WORK/rss-worker-$endpoint.txt" "$t0" "$t1")
    pids=$(replica_pids "$endpoint")
  fi
  cpu=$(awk -v hz="$HZ" -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v m=$((m1 - m0)) -v s=$((s1 - s0)) -v c=$((c1 - c0)) \
    -v w=$((w1 - w0)) -v n="${requests:-0}" \
    'BEGIN { us = n > 0 ? s / hz / n * 1e6 : 0; printf "%.2f|%.2f|%.2f|%.1f|%.2f", s / hz / t, c / hz / t, (m - s - c) / hz / t, us, w / hz / t }')
  IFS='|' read -r sc wc oc us wk <<<"$cpu"
  RUNS+=("$id|${rps:-0}|$p50|$p99|${non2xx:-0}|${errors:-none}|$peak|$sc|$wc|$oc|$us|$wk|$wpeak|${pids:-}")
  [[ ${non2xx:-0} == 0 ]] || log "warning: $id had $non2xx non-2xx answers"
  [[ -z $errors ]] || log "warning: $id had socket errors: $errors"
  log "$id: ${rps:-0} req/s, p50 $p50 ms, p99 $p99 ms, peak RSS $(mib "$peak") MiB, cores server|wrk|other: $sc|$wc|$oc, server CPU ${us} µs/req"
}

# --- a quiet machine ---------------------------------------------------------------------------------------------------
# Other work on the machine skews everything here. Wait (up to the given seconds) for a 2 s window in which the whole
# machine uses under NOISY_CORES cores while the servers idle; sets IDLE_BUSY to what it used.
busy_cores() { # over 2 s
  local m0 m1; m0=$(machine_ticks); sleep 2; m1=$(machine_ticks)
  awk -v d=$((m1 - m0)) -v hz="$HZ" 'BEGIN { printf "%.2f", d / hz / 2 }'
}
wait_quiet() { # max seconds
  local deadline=$((SECONDS + $1))
  IDLE_BUSY=$(busy_cores)
  while awk -v b="$IDLE_BUSY" -v max="$NOISY_CORES" 'BEGIN { exit !(b >= max) }' && ((SECONDS < deadline)); do
    log "the machine is busy with other work (${IDLE_BUSY} cores); waiting"
    sleep 3
    IDLE_BUSY=$(busy_cores)
  done
}
# Before the load runs: wait_quiet QUIET_WAIT; QUIET_BEFORE = the cores the machine used while the servers idled.
wait_quiet_before_load() {
  wait_quiet "$QUIET_WAIT"
  QUIET_BEFORE=$IDLE_BUSY
  log "machine CPU while the servers idle: $IDLE_BUSY cores"
}

noisy() { awk -v o="$(field "$1" 10)" -v max="$NOISY_CORES" 'BEGIN { exit !(o >= max) }'; }
discard() { # id attempt
  local i
  for i in "${!RUNS[@]}"; do
    if [[ ${RUNS[$i]%%|*} == "$1" ]]; then RUNS[i]="$1 (noisy, discarded $2)|${RUNS[$i]#*|}"; fi
  done
  mv "$WORK/wrk-$1.txt" "$WORK/wrk-$1 (noisy, discarded $2).txt"
}

# measure_group conc body spec…: runs each spec ("id;server;url;token;endpoint") with post.lua in turn, the first one
# being the baseline; a script that defines before_run gets it called with the id before each run (e.g. to switch a
# setting of the endpoint between runs). The group is measured again (after waiting for quiet) when other work used NOISY_CORES or more
# during any of its runs, up to NOISY_RETRIES times and while the retries of the whole bench have used less than
# RETRY_BUDGET seconds; discarded attempts stay in the per-run table and the raw outputs, marked.
RETRY_SPENT=0
measure_group() {
  local conc=$1 body=$2 attempt spec id server url token endpoint started any
  shift 2
  for ((attempt = 0; ; attempt++)); do
    started=$SECONDS
    if ((attempt > 0)); then
      for spec in "$@"; do discard "${spec%%;*}" "$attempt"; done
      wait_quiet "$(( QUIET_WAIT < RETRY_BUDGET - RETRY_SPENT ? QUIET_WAIT : RETRY_BUDGET - RETRY_SPENT ))"
    fi
    for spec in "$@"; do
      IFS=';' read -r id server url token endpoint <<<"$spec"
      if declare -F before_run >/dev/null; then before_run "$id"; fi
      run_wrk "$id" "$server" "$url" post.lua "$conc" "$body" "$token" "$endpoint"
    done
    if ((attempt > 0)); then RETRY_SPENT=$((RETRY_SPENT + SECONDS - started)); fi
    any=0
    for spec in "$@"; do if noisy "${spec%%;*}"; then any=1; fi; done
    ((any == 1)) || break
    if ((attempt >= NOISY_RETRIES || RETRY_SPENT >= RETRY_BUDGET)); then
      log "other work used the machine during ${1%%;*}…; keeping it, marked noisy (retries used: ${RETRY_SPENT}s of ${RETRY_BUDGET}s)"
      break
    fi
    log "other work used the machine during this group; measuring it again"
  done
}
group_noisy() { local id; for id in "$@"; do if noisy "$id"; then return 0; fi; done; return 1; }
