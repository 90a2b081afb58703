#!/usr/bin/env python3
"""Aggregates the jdk.ExecutionSample events of a JFR recording (bench/startup-profile.sh JFR=1).

usage: jfr-top.py RECORDING [N]
Prints the share of samples by thread, by how the top frame ran (interpreted, C1/C2), by the package of the top frame, and by "phase": the
first frame, from the top, that names a known activity (class loading and linking, a static
initialiser, Jackson, TLS, fabric8, Quarkus startup, ...), else the top frame's package.
"""
import collections, json, subprocess, sys

rec, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "200", "--events", "jdk.ExecutionSample", rec],
                     check=True, capture_output=True, text=True).stdout
events = json.loads(out)["recording"]["events"]

def frames(e):
    return [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in e["values"]["stackTrace"]["frames"]]

PHASES = [  # (phase, substring of a frame), checked from the top frame down
    ("clinit", ".<clinit>"),
    ("classload", "java.lang.ClassLoader.defineClass"),
    ("classload", "java.lang.ClassLoader.loadClass"),
    ("classload", "io.quarkus.bootstrap.runner.RunnerClassLoader"),
    ("reflection/lambda", "java.lang.invoke."),
    ("tls", "sun.security."),
    ("tls", "javax.net.ssl."),
    ("tls", "io.netty.handler.ssl."),
    ("jackson", "com.fasterxml.jackson."),
    ("fabric8", "io.fabric8."),
    ("yaml", "org.yaml.snakeyaml."),
    ("injector", "io.pullsecretinjector."),
    ("vertx/netty", "io.vertx."),
    ("vertx/netty", "io.netty."),
    ("quarkus", "io.quarkus."),
    ("smallrye", "io.smallrye."),
    ("micrometer", "io.micrometer."),
]
def pkg(frame):
    parts = frame.split(".")
    return ".".join(parts[:3]) if len(parts) > 3 else ".".join(parts[:-2])

threads, tops, phases, outer, modes = (collections.Counter() for _ in range(5))
for e in events:
    fr = frames(e)
    if not fr:
        continue
    threads[e["values"]["sampledThread"]["javaName"] or "?"] += 1
    tops[pkg(fr[0])] += 1
    modes[e["values"]["stackTrace"]["frames"][0]["type"]] += 1
    phase = next((p for f in fr for p, s in PHASES if s in f), "other:" + pkg(fr[0]))
    phases[phase] += 1
    # the outermost of our / Quarkus's / fabric8's frames: who asked for the work
    owner = next((pkg(f) for f in reversed(fr) if f.startswith(("io.pullsecretinjector", "io.fabric8", "io.quarkus.runtime", "io.quarkus.vertx", "io.quarkus.resteasy"))), "-")
    outer[owner] += 1
total = sum(threads.values())
for title, c in (("thread", threads), ("top frame mode", modes), ("phase (first known frame from the top)", phases),
                 ("top frame package", tops), ("outermost app/framework frame", outer)):
    print(f"\n== by {title} ({total} samples at 10 ms)")
    for k, v in c.most_common(n):
        print(f"{v:6d} {100 * v / total:5.1f}%  {k}")
