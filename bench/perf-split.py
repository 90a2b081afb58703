#!/usr/bin/env python3
"""Splits the server's CPU per review, from a `perf record -g` of the server under a wrk load
(bench/diagnose.sh section 6).

usage: perf-split.py PERF_DATA SAMPLE_HZ REVIEWS
  PERF_DATA  perf record -g -F SAMPLE_HZ -p <server> output; the JIT's frames are named by
             /tmp/perf-<pid>.map (jcmd <pid> Compiler.perfmap), and Java stacks need
             -XX:+PreserveFramePointer
  REVIEWS    reviews answered while perf recorded
Prints one JSON object: microseconds of the server's CPU per review, by part, and in all. Each
sample counts once, in the first part (in this order) whose test its stack or thread passes:
  wakeup    the kernel waking the load generator, inside the answer's write: on loopback the
            sender's write delivers the bytes and wakes the reader (sock_def_readable)
  endpoint  the endpoint's own code: for /mutate the webhook's (decode, decision, patch, answer),
            for the ceiling its tree parse and constant answer (frames in io.pullsecretinjector)
  tls       the JDK's TLS engine (records, AES-GCM)
  kernel    other system calls (socket reads and writes, epoll)
  jvm       threads other than the event loop: GC, JIT compilers, the VM thread, timers
  stack     the rest of the event loop: Quarkus REST, Vert.x, Netty, metrics
"""
import json, subprocess, sys

PARTS = ["wakeup", "endpoint", "tls", "kernel", "jvm", "stack"]


def part(thread, stack):
    if "sock_def_readable" in stack:
        return "wakeup"
    if "io.pullsecretinjector" in stack:
        return "endpoint"
    if not thread.startswith("vert.x-eventloo"):
        return "jvm"
    if "sun.security.ssl." in stack or "com.sun.crypto.provider." in stack:
        return "tls"
    if "entry_SYSCALL_64" in stack:
        return "kernel"
    return "stack"


def main():
    data, hz, reviews = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    out = subprocess.run(["perf", "script", "-i", data], check=True, capture_output=True, text=True).stdout
    counts = dict.fromkeys(PARTS, 0)
    for sample in out.split("\n\n"):
        lines = sample.strip().split("\n")
        if not lines[0].strip():
            continue
        counts[part(lines[0].split()[0], "\n".join(lines[1:]))] += 1
    us = {p: round(n / hz / reviews * 1e6, 2) for p, n in counts.items()}
    us["total"] = round(sum(counts.values()) / hz / reviews * 1e6, 2)
    print(json.dumps(us))


if __name__ == "__main__":
    main()
