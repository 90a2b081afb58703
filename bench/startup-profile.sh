#!/usr/bin/env bash
# Where the webhook's startup goes: the startup measurement of bench/run.sh, repeated and taken apart.
#
# Starts the mock Kubernetes API (the app itself with INJECTOR_EMBEDDED_API=always, on LOAD_CPU) once,
# then RUNS times: starts the webhook exactly as bench/run.sh does (taskset SERVER_CPU, -Xmx128m and the image's
# memory settings (bench/lib.sh), the
# same environment) plus the JVM flags in EXTRA_FLAGS, probes POST /mutate with the 2 KB review every
# 20 ms as run.sh does, and at the first HTTPS 200 snapshots the server's CPU time (/proc/<pid>/stat,
# and per thread /proc/<pid>/task/*/stat) and its hsperfdata (class and JIT counters, read afterwards
# with jstat from the copy, so nothing attaches to the server). Between runs the copies the first
# review made in the mock API are deleted, so every run's first review does the same API calls.
#
# Prints per run, and the median of each column:
#   wall_ms     launch -> first 200, as run.sh measures it
#   started_s   Quarkus's own "started in"
#   cpu_ms      the server's utime+stime at the first 200 (all threads, dead ones included)
#   jit/main/loop/gc/vm/other/dead_ms  the same split by thread (C1+C2 compiler threads; the main
#               thread; vert.x event loops; GC threads; the VM thread; the rest alive; threads
#               that ended before the first 200)
#   classes     classes loaded at the first 200 (hsperfdata java.cls.loadedClasses + sharedLoadedClasses)
#   compiles    methods compiled by C1 and C2 by then (sun.ci.totalCompiles)
# and the probe attempts of the last run (HTTP code, curl's time_total; 000 = refused / timed out).
#
# Settings (environment): RUNS=3 EXTRA_FLAGS="" (extra JVM flags for the webhook, split on spaces)
# JAVA=java (the webhook's java; the mock API always uses `java`) SERVER_DIR=. (the webhook's working
# directory, e.g. target/quarkus-app for its app-cds.jsa) SERVER_CPU=1 LOAD_CPU=0
# PROBE_MAX_TIME=30 (curl --max-time of a probe; see bench/lib.sh). Each run's log, probes and
# snapshots stay in target/startup/run-N/.
# A profile of the Java threads up to there (JFR, only execution samples every 10 ms), then aggregated:
#   RUNS=1 EXTRA_FLAGS="-XX:StartFlightRecording=filename=$PWD/target/startup/s.jfr,settings=$PWD/bench/startup-sampling.jfc" \
#     bench/startup-profile.sh && bench/jfr-top.py target/startup/s.jfr
# Needs target/quarkus-app with the embedded API, which serves as the mock cluster
# (./mvnw -B -o package -DskipTests -Dembedded-api, or make bench's build) and certs/ (scripts/dev-certs.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

RUNS=${RUNS:-3}
EXTRA_FLAGS=${EXTRA_FLAGS:-}
JAVA=${JAVA:-java}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
root=$PWD
SERVER_DIR=${SERVER_DIR:-$root}
WORK=target/startup
HZ=$(getconf CLK_TCK)

[[ -f target/quarkus-app/quarkus-run.jar ]] || { echo "startup-profile: build first: ./mvnw -B -o package -DskipTests -Dembedded-api" >&2; exit 1; }
[[ -f certs/tls.crt ]] || scripts/dev-certs.sh certs pullsecret-injector >/dev/null
mkdir -p $WORK
python3 bench/gen-reviews.py $WORK

api_pid=""
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [[ -n $api_pid ]]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

# the mock API, as run.sh starts it
start_mock_api $WORK/api.log

read -r -a extra <<<"$EXTRA_FLAGS"
rows=$WORK/rows.txt
: >$rows
for run in $(seq 1 "$RUNS"); do
  dir=$WORK/run-$run
  rm -rf "$dir" && mkdir -p "$dir" && dir=$root/$dir
  delete_first_review_copies
  sleep 1
  load=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(date +%s%N)
  # SERVER_DIR: an AppCDS archive made by Quarkus records the class path relative to target/quarkus-app,
  # so with one the server must run from there (the paths it reads are then given absolute)
  (cd "$SERVER_DIR" && INJECTOR_POLICY_FILE=$root/examples/policy.yaml QUARKUS_TLS_WEBHOOK_KEY_STORE_PEM_0_CERT=$root/certs/tls.crt \
    QUARKUS_TLS_WEBHOOK_KEY_STORE_PEM_0_KEY=$root/certs/tls.key INJECTOR_EMBEDDED_API=never QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL="$api_url" \
    INJECTOR_SYNC=false INJECTOR_LEADER_ELECTION=false \
    exec env "$image_malloc_env" taskset -c "$SERVER_CPU" "$JAVA" -Xmx128m "${image_jvm_flags[@]}" "${extra[@]}" -jar "$root/target/quarkus-app/quarkus-run.jar" >"$dir/server.log" 2>&1) &
  server_pid=$!
  first_ok=""
  for _ in $(seq 1 3000); do
    a0=$(date +%s%N)
    out=$(taskset -c "$LOAD_CPU" curl -sk --max-time "$PROBE_MAX_TIME" -o /dev/null -w '%{http_code} %{time_total}' \
      -H 'Content-Type: application/json' --data-binary @$WORK/review-2k.json "$URL/mutate" || true)
    if [[ ${out%% *} == 200 ]]; then
      first_ok=$(date +%s%N)
      # the snapshot, before anything else runs
      cat /proc/$server_pid/stat >"$dir/proc.stat"
      cat /proc/$server_pid/task/*/stat >"$dir/task.stat" 2>/dev/null || true
      cp /tmp/hsperfdata_$(id -un)/$server_pid "$dir/hsperf" 2>/dev/null || true
      echo "$(( (a0 - t0) / 1000000 )) $out" >>"$dir/probes.txt"
      break
    fi
    echo "$(( (a0 - t0) / 1000000 )) ${out:-000 0}" >>"$dir/probes.txt"
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log"; echo "startup-profile: the server died" >&2; exit 1; }
    sleep 0.02
  done
  [[ -n $first_ok ]] || { echo "startup-profile: no HTTPS 200 within 60 s" >&2; exit 1; }
  sleep 0.5
  kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""
  started=$(sed -n 's/.* started in \([0-9.]*\)s\..*/\1/p' "$dir/server.log" | head -1)
  counters=$( { jstat -J-Djstat.showUnsupported=true -snap "file:$dir/hsperf" 2>/dev/null || true; } \
    | grep -E '^(java\.cls\.(loadedClasses|sharedLoadedClasses)|sun\.ci\.totalCompiles)=' | tr '\n' ' ')
  python3 - "$dir" "$HZ" "$(( (first_ok - t0) / 1000000 ))" "${started:-0}" "$load" "$counters" >>$rows <<'PY'
import sys
d, hz, wall, started, load, counters = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
def parse(line):  # comm is in parentheses and may hold spaces
    comm = line[line.index("(") + 1:line.rindex(")")]
    f = line[line.rindex(")") + 2:].split()
    return comm, (int(f[11]) + int(f[12])) * 1000 // hz   # utime, stime (fields 14, 15)
_, total = parse(open(f"{d}/proc.stat").read())
groups = dict(jit=0, main=0, loop=0, gc=0, vm=0, other=0)
threads = []
for line in open(f"{d}/task.stat"):
    comm, ms = parse(line)
    threads.append((ms, comm))
    g = ("jit" if "CompilerThre" in comm else "main" if comm in ("main", "java") else
         "loop" if comm.startswith("vert.x-eventloo") else
         "gc" if comm.startswith(("GC Thread", "G1 ")) else "vm" if comm == "VM Thread" else "other")
    groups[g] += ms
groups["dead"] = total - sum(groups.values())
c = dict(kv.split("=", 1) for kv in counters.split())
classes = int(c.get("java.cls.loadedClasses", 0)) + int(c.get("java.cls.sharedLoadedClasses", 0))
compiles = int(c.get("sun.ci.totalCompiles", 0))
top = ",".join(f"{n.replace(' ', '_')}:{ms}" for ms, n in sorted(threads, reverse=True)[:6])
print(wall, started, total, *groups.values(), classes, compiles, load, top)
PY
  tail -1 $rows >&2
done

echo "EXTRA_FLAGS='$EXTRA_FLAGS' JAVA=$JAVA runs=$RUNS"
python3 - $rows <<'PY'
import sys, statistics
cols = "wall_ms started_s cpu_ms jit_ms main_ms loop_ms gc_ms vm_ms other_ms dead_ms classes compiles load1".split()
rows = [l.split() for l in open(sys.argv[1])]
print(" ".join(f"{c:>9}" for c in ["run"] + cols))
for i, r in enumerate(rows, 1):
    print(" ".join(f"{v:>9}" for v in [str(i)] + r[:len(cols)]), " top:", r[len(cols)])
med = [statistics.median(float(r[i]) for r in rows) for i in range(len(cols))]
print(" ".join(f"{v:>9}" for v in ["median"] + [f"{m:g}" for m in med]))
PY
echo "probes of the last run (ms since launch, HTTP code, curl time_total s):"
tr '\n' ';' <"$WORK/run-$RUNS/probes.txt" | sed 's/;/; /g'; echo
