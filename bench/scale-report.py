"""Turns bench/scale.py's figures into the report of `make bench-scale` (markdown, to stdout).

Usage: scale-report.py FIGURES.json COMMIT CPU JDK CORES
"""
import json
import re
import sys

f = json.load(open(sys.argv[1]))
commit, cpu, jdk, cores = sys.argv[2:6]
s = f["settings"]


def verbs(calls):
    """'update secrets: 5,000, get secrets: 3' for the Secret calls, then the rest."""
    items = sorted(calls.items(), key=lambda kv: (not kv[0].endswith("secrets"), -kv[1]))
    return ", ".join(f"{k} {v:,}" for k, v in items if v) or "none"


def secret_calls(calls):
    return sum(v for k, v in calls.items() if k.endswith(" secrets"))


def took(line):
    m = re.search(r"took=(\d+)ms", line or "")
    return int(m.group(1)) / 1000 if m else None


def field(line, name):
    m = re.search(name + r"=(\d+)", line or "")
    return int(m.group(1)) if m else None


def met(ok):
    return "met" if ok else "**missed**"


rows = []
n = s["namespaces"]
rot = f["rotation"]
rot_secret = secret_calls(rot["calls"])
rows.append(("1. Rotation: one source change reaches every copy", f"{n:,} copies in {rot['seconds']} s; {verbs(rot['calls'])}",
             f"≤ 120 s; one write per stale copy, no read per copy", met(rot["seconds"] <= 120 and rot["calls"].get("get secrets", 0) <= n // 100)))
rs = f["resync"]
rs_secret = secret_calls(rs["calls"])
rows.append(("2. Resync with nothing to change", f"{took(rs['pass'])} s, {rs_secret:,} Secret calls for {n + 0:,}+ copies ({verbs(rs['calls'])})",
             "≤ 1 call per copy, ideally none", met(rs_secret <= n)))
vf = f.get("verify")
if vf:
    rows.append(("2b. Verifying pass (a new leader, or once per verify period)",
                 f"{took(vf['pass'])} s, {field(vf['pass'], 'reads'):,} reads in {field(vf['pass'], 'namespaces'):,} namespaces × 2 credentials, "
                 f"each credential applying to one of the two ({verbs(vf['calls'])})",
                 "≤ 1 call per copy", met((field(vf['pass'], 'reads') or 0) <= (field(vf['pass'], 'namespaces') or 0) * 1.01)))
m = f["memory"]
rows.append(("3. Memory: RSS growth from 0 to {:,} namespaces with copies".format(n),
             f"{m['rss_before'] / 1e6:.1f} → {m['rss_after'] / 1e6:.1f} MB: {m['growth'] / 1e6:+.1f} MB, {m['bytes_per_namespace']:,} bytes/namespace"
             + (f" (live heap {m['heap_used_before'] / 1e6:.1f} → {m['heap_used_after'] / 1e6:.1f} MB: {m['heap_bytes_per_namespace']:,} bytes/namespace)"
                if "heap_used_before" in m else " (no warm-up before the first figure, no heap figures)"),
             "≤ 20 MB", met(m["growth"] <= 20e6)))
t = f["tokens"]
rots = t["rotations"]
all_ok = all(r["all_current"] and r["stale_when_it_started"] == 0 and r["older_than_previous"] == 0 for r in rots)
per = [secret_calls(r["calls"]) for r in rots]
secs = [r["seconds"] for r in rots]
rows.append((f"4. Tokens: {s['token_namespaces']:,} copies, source rewritten every 60 s × {len(rots)}",
             f"every rotation reached every copy: {'yes' if all_ok else 'NO'}; slowest {max(secs)} s, median {sorted(secs)[len(secs) // 2]} s; "
             f"Secret calls per rotation {min(per):,}–{max(per):,}; warm reviews during rotations p99 {t['warm_during']['p99_ms']} ms "
             f"(before {t['warm_before']['p99_ms']} ms), source reads by admission {t['source_reads_by_admission']}",
             "each rotation at every copy before the next; admission stays warm",
             met(all_ok and t["source_reads_by_admission"] == 0)))
c = f["churn"]
rows.append((f"5. Churn: {s['churn_rate']} new namespaces/s with a first Pod for {s['churn_seconds']} s",
             f"first-Pod p99 {c['p99_ms']} ms (p50 {c['p50_ms']}, max {c['max_ms']}; {c['patched']:,}/{c['namespaces']:,} patched, "
             f"{c['errors']} errors; the injector's own time: p50 ≤ {c.get('injector_p50_le_ms')} ms, p99 ≤ {c.get('injector_p99_le_ms')} ms); loop caught up {c['catch_up_seconds']} s after the churn; {verbs(c['calls'])}",
             "p99 ≤ 100 ms; caught up ≤ 30 s", met(c["p99_ms"] is not None and c["p99_ms"] <= 100 and c["catch_up_seconds"] <= 30
                                                     and c["errors"] == 0)))
rows.append(("6. Start", "measured by `make bench` (bench/README.md)", "", ""))
rows.append(("7. What the stack costs", "measured by `make bench` (bench/README.md)", "", ""))

print(f"# bench-scale {commit}\n")
print(f"{cpu}, {cores} cores, {jdk}. NAMESPACES={n} TOKEN_NAMESPACES={s['token_namespaces']} MINUTES={s['minutes']} "
      f"CHURN_RATE={s['churn_rate']} CHURN_SECONDS={s['churn_seconds']}. The mock API (fabric8's, CRUD mode) in its own JVM; the "
      f"injector with its default settings. API calls are the injector's, counted by the mock.\n")
print("| Target | Measured | Goal | |\n|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print(f"\nFill (not a target): {n:,} namespaces got their eager copy in {f['fill']['seconds']} s "
      f"(namespaces created by the driver in {f['fill']['namespaces_created_seconds']} s); {verbs(f['fill']['calls'])}.\n")
print("Token rotations:\n\n| # | all copies current after | stale when it started | older than the previous | calls |\n|---:|---:|---:|---:|---|")
for r in rots:
    print(f"| {r['rotation']} | {r['seconds']} s | {r['stale_when_it_started']} | {r['older_than_previous']} | {verbs(r['calls'])} |")
print(f"\nWarm reviews (tokens scenario, random namespace of {s['token_namespaces'] // max(1, s['token_namespaces'] // 50)} warm ones, "
      f"every 50 ms): before the rotations n={t['warm_before']['n']} p50 {t['warm_before']['p50_ms']} ms p99 {t['warm_before']['p99_ms']} ms "
      f"max {t['warm_before']['max_ms']} ms; during n={t['warm_during']['n']} p50 {t['warm_during']['p50_ms']} ms "
      f"p99 {t['warm_during']['p99_ms']} ms max {t['warm_during']['max_ms']} ms. Latency measured by the Python driver on the load "
      f"core, TLS keep-alive.\n")
if c.get("mock_latency"):
    print("How long the mock API took to answer the injector during the churn (bucket bounds):\n")
    print("| call | n | p50 ≤ | p99 ≤ | max ≤ |\n|---|---:|---:|---:|---:|")
    for k, v in c["mock_latency"].items():
        print(f"| {k} | {v['n']:,} | {v.get('p50_ms_le')} ms | {v.get('p99_ms_le')} ms | {v.get('max_ms_le')} ms |")
    print()
print(f"Resync pass: `{rs['pass'].split('action=', 1)[-1] if rs['pass'] else 'not found'}`\n")
if vf:
    print(f"Verifying pass: `{vf['pass'].split('action=', 1)[-1] if vf['pass'] else 'not found'}`\n")
