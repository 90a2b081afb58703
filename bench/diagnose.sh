#!/usr/bin/env bash
# Explains `make bench` misses with measurements (run after bench/run.sh, which builds everything):
# one server as in run.sh plus GC logging and native memory tracking; 30 s warm-up, then 20 s at
# 2,000 reviews/s, with the server's CPU time and run-queue wait (/proc/<pid>/task/*/schedstat),
# its GC pauses, the p99, and at the end the JVM's native memory summary (what the RSS is made of).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=target/bench
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
URL=https://127.0.0.1:8443
rm -f $WORK/gc.log
INJECTOR_POLICY_FILE=examples/policy.yaml INJECTOR_EMBEDDED_API=always INJECTOR_SYNC=false INJECTOR_LEADER_ELECTION=false \
  taskset -c "$SERVER_CPU" java -Xmx128m -XX:NativeMemoryTracking=summary -Xlog:gc:file=$WORK/gc.log:uptime \
  -jar target/quarkus-app/quarkus-run.jar >$WORK/diag-server.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 3000); do
  [[ $(curl -sk --max-time 2 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @$WORK/review-2k.json "$URL/mutate" || true) == 200 ]] && break
  sleep 0.02
done
# warm-up as in run.sh: the HTTP/2 path at the same rate
taskset -c "$LOAD_CPU" h2load -t1 -c4 -m1 --rps=500 -D 30 -H 'content-type: application/json' -d $WORK/review-2k.json \
  "$URL/mutate" >/dev/null
# busy jiffies of the server's core (all processes), to tell the server's own CPU time from everyone else's
core_busy() { awk -v c="cpu$SERVER_CPU" '$1 == c {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
sched() { cat /proc/$pid/task/*/schedstat | awk '{run += $1; wait += $2} END {printf "%.0f %.0f\n", run, wait}'; }
read -r run0 wait0 < <(sched)
busy0=$(core_busy)
up0=$(awk '{print $1}' /proc/uptime)
rm -f $WORK/diag-h2.log
taskset -c "$LOAD_CPU" h2load -t1 -c4 -m1 --rps=500 -D 20 -H 'content-type: application/json' -d $WORK/review-2k.json \
  --log-file=$WORK/diag-h2.log "$URL/mutate" >/dev/null
read -r run1 wait1 < <(sched)
busy1=$(core_busy)
up1=$(awk '{print $1}' /proc/uptime)
jcmd $pid VM.native_memory summary >$WORK/nmt.txt
rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)
python3 - "$WORK" "$run0" "$wait0" "$run1" "$wait1" "$up0" "$up1" "$rss" "$busy0" "$busy1" "$(getconf CLK_TCK)" <<'PY'
import re, sys
work, run0, wait0, run1, wait1, up0, up1, rss, busy0, busy1, hz = sys.argv[1:]
lat = sorted(int(l.split("\t")[2]) for l in open(f"{work}/diag-h2.log") if l.strip())
p = lambda q: lat[min(len(lat) - 1, int(q / 100 * len(lat)))] / 1000
window = float(up1) - float(up0)
print(f"2,000 reviews/s for {window:.1f} s: {len(lat)} requests, p50 {p(50):.2f} ms, p99 {p(99):.2f} ms, p99.9 {p(99.9):.2f} ms")
print(f"server CPU time {(int(run1) - int(run0)) / 1e9:.2f} s ({(int(run1) - int(run0)) / 1e9 / window * 100:.0f} % of its core); "
      f"time its threads were runnable but waiting for the CPU: {(int(wait1) - int(wait0)) / 1e9:.2f} s")
core = (int(busy1) - int(busy0)) / int(hz)
print(f"its core was busy {core:.2f} s of {window:.1f} s; other processes on that core: {max(core - (int(run1) - int(run0)) / 1e9, 0):.2f} s")
pauses = []
for line in open(f"{work}/gc.log"):
    m = re.match(r"\[(\d+\.\d+)s\].*Pause.* (\d+\.\d+)ms", line)
    if m:
        pauses.append((float(m.group(1)), float(m.group(2))))
print(f"GC pauses over the whole run: {len(pauses)}, longest {max((d for _, d in pauses), default=0):.2f} ms, "
      f"total {sum(d for _, d in pauses):.0f} ms")
print(f"RSS now: {int(rss) / 1024:.0f} MB; native memory tracking (committed):")
for line in open(f"{work}/nmt.txt"):
    m = re.match(r"(Total|-\s+[\w ]+?) \(reserved=\d+KB, committed=(\d+)KB", line.strip())
    if m and int(m.group(2)) >= 2048:
        print(f"  {m.group(1).lstrip('- ').strip():<28} {int(m.group(2)) / 1024:6.0f} MB")
PY
