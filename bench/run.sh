#!/usr/bin/env bash
# `make bench`: the webhook against the machine's own ceiling, in one run.
#
# Builds the app with the two bench-only additions (-Pbench: the ceiling endpoint of
# bench/ceiling; -Dembedded-api: the embedded API, which serves as the mock cluster), runs it as the
# container image does: on a JDK 25 (AOT_JAVA, bench/lib.sh) with an AOT cache made by the image's
# own training run (src/main/docker/aot-train.sh), -Xmx128m and the image's memory settings, pinned
# to one core (SERVER_CPU), and loads it from the other core (LOAD_CPU) over loopback HTTPS. The
# Kubernetes API is the mock one (fabric8's, in CRUD mode: the embedded API of `make run`), served
# by a second instance of the same app on the load core, so that, as in a cluster, the API
# server's work and memory are not the webhook's.
# The webhook JVM also serves POST /bench/ceiling (bench/ceiling, built in by -Pbench), a trivial
# endpoint that parses the same AdmissionReview into a tree and answers a constant response; /mutate
# is reported as a ratio of it. Each scenario: WARMUP s of warm-up, then RUNS runs of DURATION s,
# median per column. The warm path is also compared with bench/floor's bare Quarkus REST app (same
# JVM, flags, certificate and core): STACK_PAIRS pairs of STACK_SECONDS s, alternating the two
# servers, both warm. Then JMH for the pure decision + patch path. Writes
# bench/results/<date>-<commit>.md and prints it.
#
# Settings (environment, or make variables of the same name): WARMUP=30 RUNS=3 DURATION=20
# STACK_PAIRS=6 STACK_SECONDS=10 SERVER_CPU=1 LOAD_CPU=0 AOT_JAVA=(Temurin 25) JFR=0 (1: record
# target/bench/server.jfr with the profile settings) JMH_ARGS= (extra JMH options, e.g. "-wi 1 -i 1").
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${WARMUP:-30}
RUNS=${RUNS:-3}
DURATION=${DURATION:-20}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
STACK_PAIRS=${STACK_PAIRS:-6}
STACK_SECONDS=${STACK_SECONDS:-10}
JFR=${JFR:-0}
JMH_ARGS=${JMH_ARGS:-}
MVN=${MVN:-./mvnw -B}
WORK=target/bench
RAW=$WORK/raw
started_at=$(date +%s)
source bench/lib.sh

log() { printf '%s bench: %s\n' "$(date +%T)" "$*" >&2; }

# --- tools --------------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v h2load >/dev/null || missing+=(nghttp2-client)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
command -v taskset >/dev/null || missing+=(util-linux)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  install_packages "${missing[@]}"
fi
# (asks for the flag only: a JVM given -XX:AOTCacheOutput writes that file, and its .config, on exit)
[[ -x $AOT_JAVA ]] && "$AOT_JAVA" -XX:+PrintFlagsFinal -version 2>/dev/null | grep -q ' AOTCacheOutput ' \
  || { echo "bench: AOT_JAVA=$AOT_JAVA is not a JDK 25 or later (the image's runtime, with AOT caches); set AOT_JAVA" >&2; exit 1; }

# --- build --------------------------------------------------------------------------------------
log "building the app and the JMH benchmark"
# one build: the app with the ceiling and the embedded API in target/quarkus-app, JMH in target/jmh-classes
$MVN -q -Pbench -Dembedded-api package -DskipTests
$MVN -q -Pbench -Dembedded-api dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$WORK/classpath.txt >/dev/null
build_floor
[[ -f certs/tls.crt ]] || scripts/dev-certs.sh certs pullsecret-injector
rm -rf "$RAW" && mkdir -p "$RAW"
python3 bench/gen-reviews.py $WORK

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src pom.xml bench 2>/dev/null || commit="$commit-dirty"
cpu_model=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
jdk=$("$AOT_JAVA" -version 2>&1 | sed -n 2p)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# --- server -------------------------------------------------------------------------------------
server_pid=""
sampler_pid=""
api_pid=""
floor_pid=""
cleanup() {
  [[ -n $sampler_pid ]] && kill "$sampler_pid" 2>/dev/null || true
  if [[ -n $floor_pid ]]; then kill "$floor_pid" 2>/dev/null || true; wait "$floor_pid" 2>/dev/null || true; fi
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [[ -n $api_pid ]]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

log "starting the mock Kubernetes API (own process, core $LOAD_CPU)"
start_mock_api $WORK/api.log
log "mock Kubernetes API at $api_url"

log "AOT cache: the image's training run on $AOT_JAVA (core $SERVER_CPU)"
make_aot_cache $WORK/app.aot $WORK/train.log

# The heap the issue asks for (-Xmx128m), the container image's memory settings and its AOT cache.
jvm_flags=(-Xmx128m "${image_jvm_flags[@]}")
aot_flags=(-XX:AOTCache=$WORK/app.aot)
[[ $JFR == 1 ]] && jvm_flags+=("-XX:StartFlightRecording=filename=$WORK/server.jfr,settings=profile")
t0=$(date +%s%N)
INJECTOR_POLICY_FILE=examples/policy.yaml INJECTOR_EMBEDDED_API=never QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL="$api_url" \
  INJECTOR_SYNC=false INJECTOR_LEADER_ELECTION=false \
  env "$image_malloc_env" taskset -c "$SERVER_CPU" "$AOT_JAVA" "${jvm_flags[@]}" "${aot_flags[@]}" -jar target/quarkus-app/quarkus-run.jar >$WORK/server.log 2>&1 &
server_pid=$!

post() { # post PATH BODYFILE -> prints the response body
  curl -sk --max-time 5 -H 'Content-Type: application/json' --data-binary "@$2" "$URL$1"
}
first_ok=""
for _ in $(seq 1 3000); do # at most ~60 s
  code=$(taskset -c "$LOAD_CPU" curl -sk --max-time "$PROBE_MAX_TIME" -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @$WORK/review-2k.json "$URL/mutate" || true)
  if [[ $code == 200 ]]; then first_ok=$(date +%s%N); break; fi
  kill -0 "$server_pid" 2>/dev/null || { cat $WORK/server.log; echo "bench: the server died" >&2; exit 1; }
  sleep 0.02
done
[[ -n $first_ok ]] || { echo "bench: no HTTPS 200 within 60 s" >&2; exit 1; }
startup_ms=$(( (first_ok - t0) / 1000000 ))
load_startup=$(cut -d' ' -f1-3 /proc/loadavg)
quarkus_started=$(sed -n 's/.* started in \([0-9.]*\)s\..*/\1/p' $WORK/server.log | head -1)
sleep 2
rss_kb() { awk '/^VmRSS/ {print $2}' /proc/$server_pid/status; }
rss_start=$(rss_kb)
log "first HTTPS 200 after ${startup_ms} ms; RSS ${rss_start} kB"

# Check what each scenario's body gets before loading with it.
post /mutate $WORK/review-2k.json | grep -q '"patch"' || { echo "bench: the 2 KB review got no patch" >&2; exit 1; }
post /mutate $WORK/review-20k.json | grep -q '"patch"' || { echo "bench: the 20 KB review got no patch" >&2; exit 1; }
post /bench/ceiling $WORK/review-2k.json | grep -q '"allowed":true' || { echo "bench: no ceiling endpoint: build with ./mvnw -Pbench -Dembedded-api package" >&2; exit 1; }
sed "s/__NS__/bench-check-$$/g" $WORK/review-newns.json >$WORK/check-newns.json
newns_answer=$(post /mutate $WORK/check-newns.json)
python3 - "$newns_answer" <<'PY'
import base64, json, sys
r = json.loads(sys.argv[1])["response"]
ops = json.loads(base64.b64decode(r["patch"]))
names = sorted(s["name"] for op in ops for s in (op["value"] if isinstance(op["value"], list) else [op["value"]]))
assert names == ["dockerhub", "regcred"] and "warnings" not in r, r
PY
log "checked: warm and large reviews get a patch; a Pod in a namespace unknown to the API gets both copies, no warning"

# RSS under load: the largest VmRSS seen, sampled every 0.5 s (bounded: at most 1 h).
# Each sample also splits it: anonymous memory (heap, metaspace, code, malloc) and file pages mapped
# (the jars, the JDK's libraries and the AOT cache, which the kernel can drop and read again).
rss_split() { awk '/^(VmRSS|RssAnon|RssFile)/ {printf "%s ", $2} END {print ""}' /proc/$server_pid/status; }
(for _ in $(seq 1 7200); do rss_split; sleep 0.5; done >$WORK/rss.txt 2>/dev/null) &
sampler_pid=$!

# --- load ---------------------------------------------------------------------------------------
wrk_run() { # wrk_run NAME PATH SCRIPT CONNECTIONS BODY SECONDS [CLOSE] [BASE_URL] -> appends a RESULT line to $RAW/NAME
  local name=$1 path=$2 script=$3 conns=$4 body=$5 secs=$6 close=${7:-0} base=${8:-$URL}
  BODY=$body CLOSE=$close RUN_ID="$(date +%s%N | tail -c 10)" taskset -c "$LOAD_CPU" \
    wrk -t1 -c"$conns" -d"${secs}s" --timeout 5s -s "$script" "$base$path" >$WORK/wrk.out 2>&1 || true
  if [[ $name != - ]]; then
    grep '^RESULT' $WORK/wrk.out >>"$RAW/$name" || { cat $WORK/wrk.out >&2; echo "RESULT requests=0 duration_us=1 p50_us=0 p99_us=0 p999_us=0 max_us=0 errors=-1 non2xx=0" >>"$RAW/$name"; }
  fi
}
h2_run() { # h2_run NAME RPS SECONDS -> per-request log turned into a RESULT line
  local name=$1 rps=$2 secs=$3 clients=$(( $2 / 500 ))
  ((clients >= 1)) || clients=1
  rm -f $WORK/h2.log
  taskset -c "$LOAD_CPU" h2load -t1 -c"$clients" -m1 --rps=$(( rps / clients )) -D "$secs" \
    -H 'content-type: application/json' -d $WORK/review-2k.json --log-file=$WORK/h2.log "$URL/mutate" >$WORK/h2.out 2>&1 || true
  [[ $name == - ]] && return 0
  python3 - "$WORK/h2.log" "$secs" >>"$RAW/$name" <<'PY'
import sys
rows = [l.split("\t") for l in open(sys.argv[1]) if l.strip()]
lat = sorted(int(r[2]) for r in rows)
bad = sum(1 for r in rows if r[1] != "200")
pct = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))] if lat else 0
print(f"RESULT requests={len(lat)} duration_us={int(float(sys.argv[2]) * 1e6)} p50_us={pct(50)} p99_us={pct(99)} "
      f"p999_us={pct(99.9)} max_us={lat[-1] if lat else 0} errors=0 non2xx={bad}")
PY
}

# warm_alternating SECONDS BODY [CLOSE]: the warm-up of a scenario whose measured runs alternate the
# ceiling and /mutate: it alternates them too, in four slices. Each switch from one endpoint to the
# other makes the JIT recompile the code they share (measured with -XX:+PrintCompilation after 30 s
# of /mutate: ~1,300 compilations and ~450 methods made not entrant in the next 20 s of the ceiling,
# ~400 and ~250 in the 10 s of /mutate after that, ~130 and ~50 per switch from the third on). A
# warm-up of one endpoint, then the other, left those recompilations to the first measured runs.
warm_alternating() {
  local body=$2 close=${3:-0} slice=$(( ($1 + 3) / 4 ))
  for path in /bench/ceiling /mutate /bench/ceiling /mutate; do
    wrk_run - "$path" bench/post.lua 16 "$body" "$slice" "$close"
  done
}

log "1. warm path, keep-alive, 16 connections, 2 KB review (interleaved with the ceiling)"
warm_alternating $(( 2 * WARMUP )) $WORK/review-2k.json
for _ in $(seq "$RUNS"); do
  wrk_run ceiling-2k /bench/ceiling bench/post.lua 16 $WORK/review-2k.json "$DURATION"
  wrk_run mutate-2k /mutate bench/post.lua 16 $WORK/review-2k.json "$DURATION"
done

log "the warm path against bench/floor's bare Quarkus REST app: $STACK_PAIRS pairs of $STACK_SECONDS s, alternating"
# same java, flags and core as the webhook (no AOT cache: only warm throughput is compared); both
# warm before the pairs: the webhook from scenario 1, the floor from the alternating warm-up here
start_floor $WORK/floor.log "$AOT_JAVA" "${jvm_flags[@]}"
warm_pairs() { # warm_pairs SECONDS: four slices alternating the floor and the webhook
  local slice=$(( ($1 + 3) / 4 )) i
  for i in 1 2; do
    wrk_run - /mutate bench/post.lua 16 $WORK/review-2k.json "$slice" 0 "$FLOOR_URL"
    wrk_run - /mutate bench/post.lua 16 $WORK/review-2k.json "$slice"
  done
}
warm_pairs $(( 2 * WARMUP ))
# each run's RESULT line also gets the server's CPU time in it (cpu_us): the CPU per review does not
# depend on what else the machine runs on that core, the reviews per second do
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
with_cpu() { # with_cpu NAME PID TICKS_BEFORE: adds cpu_us to the last RESULT line of $RAW/NAME
  sed -i "\$ s/\$/ cpu_us=$(( ($(cpu_ticks "$2") - $3) * 1000000 / hz ))/" "$RAW/$1"
}
for _ in $(seq "$STACK_PAIRS"); do
  t=$(cpu_ticks "$floor_pid")
  wrk_run floor-2k /mutate bench/post.lua 16 $WORK/review-2k.json "$STACK_SECONDS" 0 "$FLOOR_URL"
  with_cpu floor-2k "$floor_pid" "$t"
  t=$(cpu_ticks "$server_pid")
  wrk_run webhook-vs-floor-2k /mutate bench/post.lua 16 $WORK/review-2k.json "$STACK_SECONDS"
  with_cpu webhook-vs-floor-2k "$server_pid" "$t"
done
load_pairs=$(cut -d' ' -f1-3 /proc/loadavg)
kill "$floor_pid"; wait "$floor_pid" 2>/dev/null || true; floor_pid=""

for rate in 2000 8000; do
  log "2. fixed rate $rate reviews/s (h2load, HTTP/2)"
  # the warm-up is two h2load runs: the first close and reopen of the HTTP/2 connections deoptimises
  # the hot path (measured: ~290 methods made not entrant in the first seconds of the next run, its
  # p99 3-4x the later runs'), and every measured run starts with that reopen. The first is at
  # 8,000/s whatever the measured rate: 2,000/s for 30 s left the JIT compiling the HTTP/2 path into
  # the measured runs (diagnose.sh section 2, 2026-12-01: methods made not entrant per 10 s of
  # HTTP/2 load 741, 712, 617, 293, 214; the first 20 s run after it p99 2.76 ms, the next two 1.28 ms).
  # It helps only in part: after scenario 1, the measured runs' p99 still falls from run to run.
  h2_run - 8000 $(( (WARMUP + 1) / 2 ))
  h2_run - "$rate" $(( WARMUP / 2 ))
  for _ in $(seq "$RUNS"); do h2_run "rate-$rate" "$rate" "$DURATION"; done
done

log "3. a new TLS connection per request (Connection: close; ceiling interleaved)"
warm_alternating "$WARMUP" $WORK/review-2k.json 1
for _ in $(seq "$RUNS"); do
  wrk_run ceiling-close /bench/ceiling bench/post.lua 16 $WORK/review-2k.json "$DURATION" 1
  wrk_run mutate-close /mutate bench/post.lua 16 $WORK/review-2k.json "$DURATION" 1
done

log "4. first Pod in a new namespace each time (one CREATE per copy against the mock API), 2 connections"
wrk_run - /mutate bench/new-namespace.lua 2 $WORK/review-newns.json "$WARMUP"
for _ in $(seq "$RUNS"); do wrk_run new-namespace /mutate bench/new-namespace.lua 2 $WORK/review-newns.json "$DURATION"; done

log "5. a large Pod: 50 containers, 20 KB review (ceiling interleaved)"
warm_alternating "$WARMUP" $WORK/review-20k.json
for _ in $(seq "$RUNS"); do
  wrk_run ceiling-20k /bench/ceiling bench/post.lua 16 $WORK/review-20k.json "$DURATION"
  wrk_run mutate-20k /mutate bench/post.lua 16 $WORK/review-20k.json "$DURATION"
done

kill "$sampler_pid" 2>/dev/null || true; sampler_pid=""
read -r rss_max rss_max_anon rss_max_file < <(sort -n $WORK/rss.txt | tail -1)
rss_samples=$(grep -c . $WORK/rss.txt)
rss_over=$(awk '$1 > 200 * 1024' $WORK/rss.txt | grep -c . || true)
rss_median=$(sort -n $WORK/rss.txt | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
cleanup; server_pid=""

# --- JMH ----------------------------------------------------------------------------------------
log "JMH: decision + patch per review (pinned to core $SERVER_CPU)"
taskset -c "$SERVER_CPU" java -cp "target/jmh-classes:target/classes:$(cat $WORK/classpath.txt)" org.openjdk.jmh.Main \
  DecisionPatchBenchmark -prof gc $JMH_ARGS -rf json -rff $WORK/jmh.json >$WORK/jmh.out 2>&1 || { tail -30 $WORK/jmh.out >&2; echo "bench: JMH failed" >&2; exit 1; }

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p bench/results
out="bench/results/$(date +%F)-$commit.md"
python3 bench/report.py "$RAW" "$WORK/jmh.json" >"$out" \
  date="$(date -u '+%F %H:%M UTC')" commit="$commit" cpu="$cpu_model" cores="$(nproc)" jdk="$jdk" \
  load_start="$load_start" load_end="$load_end" warmup="$WARMUP" runs="$RUNS" duration="$DURATION" \
  startup_ms="$startup_ms" quarkus_started_s="${quarkus_started:-?}" rss_start_kb="$rss_start" rss_max_kb="$rss_max" \
  rss_max_anon_kb="$rss_max_anon" rss_max_file_kb="$rss_max_file" rss_samples="$rss_samples" rss_over="$rss_over" rss_median_kb="$rss_median" \
  wrk="$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)" h2load="$(h2load --version | head -1)" \
  server_cpu="$SERVER_CPU" load_cpu="$LOAD_CPU" jvm="$image_malloc_env $AOT_JAVA ${jvm_flags[*]} ${aot_flags[*]}" \
  stack_pairs="$STACK_PAIRS" stack_seconds="$STACK_SECONDS" load_pairs="$load_pairs" load_startup="$load_startup" elapsed_s="$(( $(date +%s) - started_at ))"
cat "$out"
log "written to $out"
