#!/usr/bin/env bash
# Explains `make bench` misses with measurements (run after bench/run.sh, which builds everything).
# SECTIONS="3 4" runs only those of the six below.
# Same setup as run.sh: the webhook pinned to SERVER_CPU with -Xmx128m and the image's memory
# settings (bench/lib.sh; section 3 chooses its own), the mock Kubernetes API in
# its own JVM and the load on LOAD_CPU. Prints, in about 15 minutes:
#   1. start-up: process start to first HTTPS 200, and Quarkus's own "started in", 3 starts each
#      without and with the AOT cache of run.sh (the image's training run), and with it and the C1
#      compiler only (-XX:TieredStopAtLevel=1: what the JIT's C2 work costs the start on one core);
#   2. 2,000 reviews/s over HTTP/2, /mutate and the ceiling alternating (30 s warm-up each, then
#      three 20 s runs each): p99 per run, slow (> 2 ms) requests per second, GC pauses, and methods
#      the JIT made not entrant;
#   3. memory under the warm-path load (wrk, 16 connections): RSS and the JVM's native memory
#      summary for each MEMORY_VARIANTS entry (';'-separated; each a list of JVM flags and
#      NAME=value environment settings added to -Xmx128m; "image" is the container image's memory
#      settings, as run.sh uses them; "-" is none), with throughput and young GCs per second;
#   4. the mock API alone: how long one GET and one CREATE of a Secret take as its store fills
#      (scenario 4 adds two Secrets per review, about 6,000 in a full run);
#   5. the floors (bench/floor, built here): the same Quarkus stack with none of the webhook's code,
#      bare (REST + Jackson) and with the webhook's extensions, started FLOOR_ROUNDS=3 times each,
#      alternating with the webhook: first HTTPS 200 and RSS; then each under 30 s of warm-path load;
#   6. the warm path's gap to the ceiling, taken apart: scenario 1's load on the ceiling and on
#      /mutate, alternating as in scenario 1 (30 s warm-up each, in four slices, then three 16 s runs
#      each), with `perf record` of the server for 10 s of each run (bench/perf-split.py: the
#      server's CPU per review by part) and how often the load generator had gone to sleep and had
#      to be woken per review (its voluntary context switches). Needs perf (Debian's linux-perf,
#      installed if missing), and root or kernel.perf_event_paranoid <= 1 for the kernel's frames;
#   7. the warm path against bench/floor's bare app (target 7), one webhook setting at a time: for
#      each STACK_VARIANTS entry (';'-separated lists of NAME=value environment settings, JVM flags,
#      or build:NAME=value for a Quarkus build-time property, e.g. the Micrometer binders, which
#      rebuilds the bench build with it; "-" is the webhook as it ships) the webhook and the bare
#      app both warm (20 s each, alternating), then three pairs of 10 s alternating the two: the
#      ratio per pair and its median, by reviews/s and by server CPU per review.
# The webhook runs as run.sh runs it: on AOT_JAVA with run.sh's AOT cache (target/bench/app.aot).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
WORK=target/bench
DIAG=$WORK/diagnose
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
SECTIONS=${SECTIONS:-1 2 3 4 5 6 7} # which of the seven to run
STACK_VARIANTS=${STACK_VARIANTS:--;build:quarkus.micrometer.binder.http-server.enabled=false}
MEMORY_VARIANTS=${MEMORY_VARIANTS:-image;-}
mkdir -p "$DIAG"
section() { [[ " $SECTIONS " == *" $1 "* ]]; }
[[ -f $WORK/review-2k.json && -f $WORK/app.aot ]] || { echo "diagnose: run bench/run.sh (make bench) first" >&2; exit 1; }
# run.sh's build: the app with the ceiling endpoint (-Pbench) and the embedded API as the mock cluster (-Dembedded-api)
jar tf target/quarkus-app/app/pullsecret-injector-*.jar 2>/dev/null | grep -q 'io/pullsecretinjector/bench/CeilingResource' \
  || { echo "diagnose: target/quarkus-app is not the bench build; run bench/run.sh (make bench), or ./mvnw -B -Pbench -Dembedded-api package -DskipTests" >&2; exit 1; }

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

start_mock_api $DIAG/api.log
pids+=("$api_pid")

server=""
first_ms=""
server_env=("$image_malloc_env") # NAME=value settings for the next start_server
server_flags=("${image_jvm_flags[@]}") # JVM flags for the next start_server
server_jar=target/quarkus-app/quarkus-run.jar # the app the next start_server runs (section 5: the floors)
server_aot=(-XX:AOTCache=$WORK/app.aot) # the webhook's AOT cache flag (none for the floors: the cache is the webhook's)
start_server() { # start_server LOG JVM_FLAGS... -> $server, and $first_ms once the first HTTPS 200 arrived (no subshell: $server is needed)
  local log=$1; shift
  local t0 code
  # the previous server must be gone, so that the 200 below can only come from this one
  for _ in $(seq 1 300); do
    curl -sk --max-time 1 -o /dev/null "$URL/" 2>/dev/null || break
    sleep 0.1
  done
  t0=$(date +%s%N)
  INJECTOR_POLICY_FILE=examples/policy.yaml INJECTOR_EMBEDDED_API=never QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL="$api_url" \
    INJECTOR_SYNC=false INJECTOR_LEADER_ELECTION=false \
    env "${server_env[@]}" taskset -c "$SERVER_CPU" "$AOT_JAVA" -Xmx128m "${server_flags[@]}" "${server_aot[@]}" "$@" -jar "$server_jar" >"$log" 2>&1 &
  server=$!
  pids+=("$server")
  for _ in $(seq 1 3000); do
    code=$(taskset -c "$LOAD_CPU" curl -sk --max-time "$PROBE_MAX_TIME" -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
      --data-binary @$WORK/review-2k.json "$URL/mutate" || true)
    [[ $code == 200 ]] && { first_ms=$(( ($(date +%s%N) - t0) / 1000000 )); return 0; }
    kill -0 "$server" 2>/dev/null || { cat "$log" >&2; echo "diagnose: the server died" >&2; exit 1; }
    sleep 0.02
  done
  echo "diagnose: no HTTPS 200 within 60 s" >&2; exit 1
}
stop_server() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
started_in() { sed -n 's/.* started in \([0-9.]*\)s\..*/\1/p' "$1" | head -1; }
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$server/status; }
warm_load() { # warm_load SECONDS -> prints reviews/s: the warm-path load (wrk, 16 connections, 2 KB review) on POST /mutate
  BODY=$WORK/review-2k.json taskset -c "$LOAD_CPU" wrk -t1 -c16 -d"$1"s --timeout 5s -s bench/post.lua "$URL/mutate" \
    | sed -n 's/^Requests\/sec: *//p'
}

if section 1; then
echo "== 1. start-up (webhook on core $SERVER_CPU, mock API on core $LOAD_CPU)"
for kind in plain aot aot-c1; do
  flags=()
  [[ $kind == plain ]] && server_aot=()
  [[ $kind == aot-c1 ]] && flags=(-XX:TieredStopAtLevel=1)
  line="$kind:"
  for i in 1 2 3; do
    delete_first_review_copies
    start_server $DIAG/start-$kind-$i.log "${flags[@]}"
    line="$line first 200 after $first_ms ms (Quarkus started in $(started_in $DIAG/start-$kind-$i.log) s, load $(cut -d' ' -f1 /proc/loadavg));"
    stop_server
  done
  server_aot=(-XX:AOTCache=$WORK/app.aot)
  echo "$line"
done
fi

if section 2; then
echo "== 2. 2,000 reviews/s, HTTP/2, 4 connections, /mutate and the ceiling (/bench/ceiling): 30 s warm-up each, then three 20 s runs each, alternating"
start_server $DIAG/p99.log -XX:+PrintCompilation -Xlog:gc:file=$DIAG/gc.log:time
h2_2k() { # h2_2k PATH SECONDS [LOG]
  taskset -c "$LOAD_CPU" h2load -t1 -c4 -m1 --rps=500 -D "$2" -H 'content-type: application/json' -d $WORK/review-2k.json \
    ${3:+--log-file=$3} "$URL$1" >/dev/null
}
h2_2k /mutate 30
h2_2k /bench/ceiling 30
for run in 1 2 3; do
  rm -f $DIAG/h2-mutate-$run.log $DIAG/h2-ceiling-$run.log
  h2_2k /mutate 20 $DIAG/h2-mutate-$run.log
  h2_2k /bench/ceiling 20 $DIAG/h2-ceiling-$run.log
done
stop_server
python3 - "$DIAG" <<'PY'
import collections, datetime, re, sys
d = sys.argv[1]
# PrintCompilation lines start with the ms since JVM start; "made not entrant" marks a deoptimisation
deopts = [int(l.split()[0]) for l in open(f"{d}/p99.log") if "made not entrant" in l and l.split()[0].isdigit()]
pauses = []
for l in open(f"{d}/gc.log"):
    m = re.match(r"\[(\S+)\].*Pause.* (\d+\.\d+)ms", l)
    if m:
        t = datetime.datetime.strptime(m.group(1)[:23], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp()
        pauses.append((t, float(m.group(2))))
p99s = collections.defaultdict(list)
for run in (1, 2, 3):
    for path in ("mutate", "ceiling"):
        rows = [l.split("\t") for l in open(f"{d}/h2-{path}-{run}.log") if l.strip()]
        lat = sorted(int(r[2]) for r in rows)
        t0, t1 = min(int(r[0]) for r in rows) / 1e6, max(int(r[0]) for r in rows) / 1e6
        p = lambda q: lat[min(len(lat) - 1, int(q / 100 * len(lat)))] / 1000
        p99s[path].append(p(99))
        slow = collections.Counter(int(int(r[0]) / 1e6 - t0) for r in rows if int(r[2]) > 2000)
        inrun = [ms for t, ms in pauses if t0 <= t <= t1]
        print(f"run {run} {path:<7}: p50 {p(50):.2f} ms, p99 {p(99):.2f} ms, p99.9 {p(99.9):.2f} ms; "
              f"GC pauses {len(inrun)}, longest {max(inrun, default=0):.1f} ms, total {sum(inrun):.0f} ms")
        print(f"  requests over 2 ms, per second of the run: {[slow.get(i, 0) for i in range(20)]}")
for path, v in p99s.items():
    print(f"{path}: p99 median {sorted(v)[1]:.2f} ms (runs {', '.join(f'{x:.2f}' for x in v)})")
print(f"methods made not entrant (deoptimised), per 10 s of the server's life: "
      f"{sorted(collections.Counter(t // 10000 * 10 for t in deopts).items())}")
PY
fi

if section 3; then
echo "== 3. memory under the warm-path load (wrk, 16 connections, 2 KB review: 60 s, then 15 s measured)"
IFS=';' read -ra variants <<<"$MEMORY_VARIANTS"
for i in "${!variants[@]}"; do
  variant=${variants[$i]}
  flags=(-XX:NativeMemoryTracking=summary -Xlog:gc:file=$DIAG/gc-$i.log)
  server_env=()
  server_flags=()
  for word in $variant; do
    case $word in
      -) ;;
      image) server_flags+=("${image_jvm_flags[@]}"); server_env+=("$image_malloc_env") ;;
      -*) flags+=("$word") ;;
      *=*) server_env+=("$word") ;;
      *) echo "diagnose: MEMORY_VARIANTS: \"$word\" is neither a -flag nor NAME=value" >&2; exit 2 ;;
    esac
  done
  start_server $DIAG/mem-$i.log "${flags[@]}"
  server_env=("$image_malloc_env")
  server_flags=("${image_jvm_flags[@]}")
  warm_load 60 >/dev/null
  gcs0=$(grep -c Pause $DIAG/gc-$i.log || true)
  rps=$(warm_load 15)
  gcs1=$(grep -c Pause $DIAG/gc-$i.log || true)
  rss=$(rss_mb)
  echo "-Xmx128m $variant: $rps reviews/s, $(( (gcs1 - gcs0) / 15 )) young GCs/s, RSS $rss MB; native memory (committed, MB):"
  jcmd $server VM.native_memory summary | python3 -c '
import re, sys
for line in sys.stdin:
    m = re.match(r"(Total|-\s+[\w ]+?) \(reserved=\d+KB, committed=(\d+)KB", line.strip())
    if m and int(m.group(2)) >= 2048:
        name = m.group(1).lstrip("- ").strip()
        print(f"  {name:<24} {int(m.group(2)) / 1024:6.0f}")'
  stop_server
done
fi

if section 4; then
echo "== 4. the mock API alone, as its store fills (one GET of a missing Secret, one CREATE; median of 50 each)"
python3 - "$api_url" <<'PY'
import http.client, json, statistics, sys, time, urllib.parse
url = urllib.parse.urlparse(sys.argv[1])
conn = http.client.HTTPConnection(url.hostname, url.port)
def call(method, path, body=None):
    t = time.perf_counter()
    conn.request(method, path, body=json.dumps(body) if body else None, headers={"Content-Type": "application/json"})
    r = conn.getresponse(); r.read()
    return (time.perf_counter() - t) * 1000, r.status
def secret(ns, name):
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": ns}, "type": "Opaque", "data": {"k": "dg=="}}
stored = 0
for target in (0, 2000, 4000, 6000):
    while stored < target:
        call("POST", f"/api/v1/namespaces/fill-{stored}/secrets", secret(f"fill-{stored}", "copy")); stored += 1
    gets = [call("GET", f"/api/v1/namespaces/probe-{target}-{i}/secrets/copy")[0] for i in range(50)]
    creates = []
    for i in range(50):
        ms, status = call("POST", f"/api/v1/namespaces/probe-{target}-{i}/secrets", secret(f"probe-{target}-{i}", "copy"))
        creates.append(ms); stored += 1
    print(f"{target:>5} Secrets stored: GET {statistics.median(gets):6.2f} ms, CREATE {statistics.median(creates):6.2f} ms")
PY
fi

if section 5; then
echo "== 5. floors: the webhook's Quarkus stack with none of its code (bench/floor), started and loaded as the webhook is"
# bare: Quarkus REST + Jackson alone; stack: plus the webhook's other extensions (Kubernetes client,
# health, Prometheus metrics). Both read the webhook's application.properties (HTTPS, TLS, management
# port) and answer POST /mutate as /bench/ceiling does. Rounds alternate the three, so all see the same noise.
# The floors get, as a flag, the one JVM setting the webhook makes for itself before Quarkus starts
# (cli/Main: 1 PBKDF2 round for the in-memory key store), so that only the webhook's code differs.
# built with the webhook's own Quarkus version, whatever bench/floor/pom.xml says
quarkus=$(sed -n 's:.*<quarkus.platform.version>\(.*\)</quarkus.platform.version>.*:\1:p' pom.xml | head -1)
${MVN:-./mvnw -B} -q -f bench/floor/pom.xml package -DskipTests -Dquarkus.platform.version="$quarkus"
${MVN:-./mvnw -B} -q -f bench/floor/pom.xml package -DskipTests -Dquarkus.platform.version="$quarkus" -Dbare
declare -A jar=([bare]=bench/floor/target/bare/quarkus-app/quarkus-run.jar [stack]=bench/floor/target/stack/quarkus-app/quarkus-run.jar
  [webhook]=target/quarkus-app/quarkus-run.jar)
floor_flags() { [[ $1 == webhook ]] || echo -Dkeystore.pkcs12.keyPbeIterationCount=1; }
declare -A starts
for round in $(seq 1 "${FLOOR_ROUNDS:-3}"); do
  for app in bare stack webhook; do
    delete_first_review_copies
    server_jar=${jar[$app]}
    server_aot=()
    [[ $app == webhook ]] && server_aot=(-XX:AOTCache=$WORK/app.aot)
    start_server $DIAG/floor-$app-$round.log $(floor_flags $app)
    sleep 2
    starts[$app]="${starts[$app]:-} $first_ms/$(started_in $DIAG/floor-$app-$round.log)/$(rss_mb)"
    stop_server
  done
done
for app in bare stack webhook; do
  python3 - "$app" ${starts[$app]} <<'PY'
import statistics, sys
app, runs = sys.argv[1], [r.split("/") for r in sys.argv[2:]]
med = lambda i: statistics.median(float(r[i]) for r in runs)
print(f"{app:<8} first HTTPS 200: {', '.join(r[0] for r in runs)} ms (median {med(0):.0f}); "
      f"Quarkus started in: {', '.join(r[1] for r in runs)} s; RSS 2 s later: {', '.join(r[2] for r in runs)} MB")
PY
done
echo "   under the warm-path load (wrk, 16 connections, 2 KB review, 30 s; RSS sampled every 0.5 s):"
for app in bare stack webhook; do
  server_jar=${jar[$app]}
  server_aot=()
  [[ $app == webhook ]] && server_aot=(-XX:AOTCache=$WORK/app.aot)
  start_server $DIAG/floor-$app-load.log $(floor_flags $app)
  (while kill -0 "$server" 2>/dev/null; do rss_mb; echo; sleep 0.5; done >$DIAG/floor-$app-rss.txt) 2>/dev/null &
  sampler=$!
  rps=$(warm_load 30)
  echo "   $app: $rps reviews/s; RSS at the end $(rss_mb) MB, largest $(sort -n $DIAG/floor-$app-rss.txt | tail -1) MB"
  kill $sampler 2>/dev/null || true
  stop_server
done
server_jar=target/quarkus-app/quarkus-run.jar
server_aot=(-XX:AOTCache=$WORK/app.aot)
fi

if section 6; then
echo "== 6. the warm path's gap to the ceiling: wrk as in scenario 1, the ceiling and /mutate alternating (30 s warm-up each, in four slices, then three 16 s runs each), perf for 10 s of each run"
command -v perf >/dev/null || install_packages linux-perf
# frame pointers so that perf can walk the JIT's frames; both endpoints run with them
start_server $DIAG/gap.log -XX:+PreserveFramePointer
wrk_for() { # wrk_for PATH SECONDS: scenario 1's load in the background -> $wrk_pid, output in $DIAG/gap-wrk.out
  BODY=$WORK/review-2k.json taskset -c "$LOAD_CPU" wrk -t1 -c16 -d"$2"s --timeout 5s -s bench/post.lua "$URL$1" >$DIAG/gap-wrk.out 2>&1 &
  wrk_pid=$!
}
switches() { cat /proc/$wrk_pid/task/*/status | awk '/^voluntary_ctxt_switches/ {s += $2} END {print s}'; }
# warmed and run as scenario 1 is (bench/run.sh warm_alternating): each switch of endpoint makes the
# JIT recompile the code they share, so the warm-up alternates them too, and each run pair starts
# with the ceiling
for path in /bench/ceiling /mutate /bench/ceiling /mutate; do wrk_for $path 15; wait $wrk_pid; done
gap_runs=()
for run in 1 2 3; do
  for url_path in /bench/ceiling /mutate; do
    path=${url_path##*/} # ceiling or mutate
    wrk_for "$url_path" 16
    sleep 3
    before=$(switches)
    perf record -q -F 999 -g -p "$server" -o $DIAG/gap-$path-$run.data -- sleep 10 >/dev/null 2>&1
    after=$(switches)
    wait $wrk_pid
    rate=$(sed -n 's/^Requests\/sec: *//p' $DIAG/gap-wrk.out)
    gap_runs+=("$run $path $rate $((after - before))")
  done
done
# names the JIT's code for perf script (/tmp/perf-<pid>.map); the code is the same as during the runs
jcmd "$server" Compiler.perfmap >/dev/null
for r in "${gap_runs[@]}"; do
  read -r run path rate woken <<<"$r"
  echo "$r $(python3 bench/perf-split.py $DIAG/gap-$path-$run.data 999 "$(python3 -c "print($rate * 10)")")"
done >$DIAG/gap.txt
stop_server
python3 - $DIAG/gap.txt <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    run, path, rate, woken, split = line.split(" ", 4)
    rows[(int(run), path)] = (float(rate), int(woken) / (float(rate) * 10), json.loads(split))
parts = ["endpoint", "wakeup", "tls", "kernel", "stack", "jvm", "total"]
for run in (1, 2, 3):
    for path in ("mutate", "ceiling"):
        rate, woken, us = rows[(run, path)]
        print(f"run {run} {path:<7}: {rate:8.0f} reviews/s; load generator woken for {woken:.2f} of the reviews; "
              f"server CPU per review, us: " + ", ".join(f"{p} {us[p]:.1f}" for p in parts))
med = lambda path, f: statistics.median(f(rows[(run, path)]) for run in (1, 2, 3))
print("medians, us per review:  part      /mutate  ceiling  difference")
for p in parts:
    m, c = med("mutate", lambda r: r[2][p]), med("ceiling", lambda r: r[2][p])
    print(f"                         {p:<9}{m:8.1f} {c:8.1f} {m - c:+10.1f}")
ratios = [rows[(run, "mutate")][0] / rows[(run, "ceiling")][0] for run in (1, 2, 3)]
cpu = lambda path, drop: med(path, lambda r: r[2]["total"] - (r[2]["wakeup"] if drop else 0))
print(f"/mutate vs ceiling: reviews/s, runs {', '.join(f'{x:.2f}' for x in ratios)}; by CPU per review "
      f"{cpu('ceiling', False) / cpu('mutate', False):.2f}, without waking the load generator {cpu('ceiling', True) / cpu('mutate', True):.2f}")
print(f"load generator woken per review: /mutate {med('mutate', lambda r: r[1]):.2f}, ceiling {med('ceiling', lambda r: r[1]):.2f}")
PY
fi

if section 7; then
echo "== 7. the warm path against bench/floor's bare app, one webhook setting at a time (20 s warm-up each, alternating, then 3 pairs of 10 s)"
[[ -f $FLOOR_JAR ]] || build_floor
floor_pid=""
trap 'for p in "${pids[@]}" $floor_pid; do kill "$p" 2>/dev/null || true; done' EXIT
start_floor $DIAG/stack-floor.log "$AOT_JAVA" -Xmx128m "${image_jvm_flags[@]}"
hz=$(getconf CLK_TCK)
measure() { # measure BASE_URL PID SECONDS -> "reviews/s,server CPU µs per review" of the warm-path load on BASE_URL/mutate
  local t0 out
  t0=$(awk '{print $14 + $15}' "/proc/$2/stat")
  out=$(BODY=$WORK/review-2k.json taskset -c "$LOAD_CPU" wrk -t1 -c16 -d"$3"s --timeout 5s -s bench/post.lua "$1/mutate")
  python3 -c 'import re, sys
out, ticks, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
n = int(re.search(r"(\d+) requests in", out).group(1))
rps = re.search(r"Requests/sec:\s*([\d.]+)", out).group(1)
print("%s,%.1f" % (rps, ticks * 1e6 / hz / max(n, 1)))' \
    "$out" "$(( $(awk '{print $14 + $15}' "/proc/$2/stat") - t0 ))" "$hz"
}
IFS=';' read -ra variants <<<"$STACK_VARIANTS"
for i in "${!variants[@]}"; do
  variant=${variants[$i]}
  server_env=("$image_malloc_env")
  flags=()
  build=()
  for word in $variant; do
    case $word in
      -) ;;
      build:*=*) build+=("-D${word#build:}") ;;
      -*) flags+=("$word") ;;
      *=*) server_env+=("$word") ;;
      *) echo "diagnose: STACK_VARIANTS: \"$word\" is neither a -flag, NAME=value nor build:NAME=value" >&2; exit 2 ;;
    esac
  done
  if ((${#build[@]})) || [[ ${rebuilt:-} == 1 ]]; then
    # the bench build with these build-time properties (none: as run.sh built it); the AOT cache
    # is the shipped build's, so the rebuilt ones run without it
    ${MVN:-./mvnw -B} -q -Pbench -Dembedded-api package -DskipTests "${build[@]}" >/dev/null
    rebuilt=1
    server_aot=()
  fi
  start_server $DIAG/stack-$i.log "${flags[@]}"
  for _ in 1 2; do measure "$FLOOR_URL" "$floor_pid" 10 >/dev/null; measure "$URL" "$server" 10 >/dev/null; done
  line=""
  for _ in 1 2 3; do
    f=$(measure "$FLOOR_URL" "$floor_pid" 10); w=$(measure "$URL" "$server" 10)
    line="$line $w/$f"
  done
  python3 - "$variant" "$(cut -d' ' -f1-3 /proc/loadavg)" $line <<'PY'
import statistics, sys
variant, load = sys.argv[1], sys.argv[2]
pairs = [[tuple(map(float, side.split(","))) for side in p.split("/")] for p in sys.argv[3:]]  # ((rps, cpu), (rps, cpu))
by_rate = [w[0] / f[0] for w, f in pairs]
by_cpu = [f[1] / w[1] for w, f in pairs]
print(f"{variant}: webhook/bare app by reviews/s {statistics.median(by_rate):.2f} (pairs {', '.join(f'{x:.2f}' for x in by_rate)}), "
      f"by server CPU per review {statistics.median(by_cpu):.2f} (pairs {', '.join(f'{x:.2f}' for x in by_cpu)}; "
      f"webhook {statistics.median(w[1] for w, _ in pairs):.1f} µs, bare {statistics.median(f[1] for _, f in pairs):.1f} µs); load {load}")
PY
  stop_server
  server_env=("$image_malloc_env")
done
kill "$floor_pid" 2>/dev/null || true
if [[ ${rebuilt:-} == 1 ]]; then
  ${MVN:-./mvnw -B} -q -Pbench -Dembedded-api package -DskipTests >/dev/null
  echo "(target/quarkus-app rebuilt as run.sh builds it; run.sh's AOT cache no longer matches it: run make bench again before section 1)"
fi
fi
