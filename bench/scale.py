"""The scenarios of `make bench-scale` (bench/scale.sh starts the processes, then runs this).

Drives the mock Kubernetes API (namespaces, source Secrets) and the injector (HTTPS /mutate), and
reads what the injector did from the mock's counters (/bench/calls: the injector's API calls by
verb and resource; /bench/copies: how many copies hold a given content hash) and from the
injector's own metrics. The driver's own calls to the mock are not counted (another User-Agent).
Prints one JSON document with every figure to stdout; bench/scale.sh turns it into the report.

Scenarios, in this order, in one injector process (except the verify pass, which restarts it):
  fill      NAMESPACES namespaces created; the eager credential copies the source into each
  memory    RSS and live heap of the injector before the fill (after a warm-up with WARMUP_NAMESPACES
            namespaces, deleted again) and after it, each after a full GC
  rotation  the source rewritten once: time until every copy holds it, calls by verb
  resync    a full pass with nothing to change (policy file touched): duration, calls
  tokens    TOKEN_NAMESPACES more namespaces with copies of a second source, rewritten every 60 s
            for MINUTES minutes, while warm reviews are sent to some of those namespaces
  churn     CHURN_RATE new namespaces a second for CHURN_SECONDS, each with a first Pod
  verify    the injector restarted: its first full pass reads every copy once (duration, calls)
"""
import base64
import concurrent.futures
import hashlib
import http.client
import json
import os
import random
import re
import ssl
import subprocess
import sys
import threading
import time
import urllib.request

API = os.environ["API_URL"]
WEBHOOK_HOST, WEBHOOK_PORT = "127.0.0.1", int(os.environ.get("WEBHOOK_PORT", "18443"))
METRICS = f"http://127.0.0.1:{os.environ.get('MANAGEMENT_PORT', '19000')}/q/metrics"
NAMESPACES = int(os.environ.get("NAMESPACES", "5000"))
WARMUP_NAMESPACES = int(os.environ.get("WARMUP_NAMESPACES", "200"))
TOKEN_NAMESPACES = int(os.environ.get("TOKEN_NAMESPACES", "1000"))
MINUTES = int(os.environ.get("MINUTES", "10"))
CHURN_RATE = int(os.environ.get("CHURN_RATE", "50"))
CHURN_SECONDS = int(os.environ.get("CHURN_SECONDS", "60"))
POLICY = os.environ["POLICY_FILE"]
PID_FILE = os.environ["INJECTOR_PID_FILE"]
RESTART = os.environ["RESTART_CMD"]
SOURCES_NS = "scale-creds"
TYPE = "kubernetes.io/dockerconfigjson"


def log(msg):
    print(time.strftime("%H:%M:%S") + " bench-scale: " + msg, file=sys.stderr, flush=True)


def api(method, path, body=None, query=""):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(API + path + query, data=data, method=method,
                                 headers={"Content-Type": "application/json", "User-Agent": "bench-scale"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"{}")


class Keepalive:
    """One keep-alive connection to the mock API per thread (urllib opens one per request)."""
    local = threading.local()

    @classmethod
    def post(cls, path, body):
        host = API.split("//")[1]
        c = getattr(cls.local, "c", None)
        if c is None:
            c = cls.local.c = http.client.HTTPConnection(host, timeout=30)
        c.request("POST", path, json.dumps(body), {"Content-Type": "application/json", "User-Agent": "bench-scale"})
        r = c.getresponse()
        r.read()
        if r.status >= 300 and r.status != 409:
            raise RuntimeError(f"POST {path}: {r.status}")


def content_hash(data):
    """ContentHash.of(type, data), as the injector writes it on each copy."""
    d = hashlib.sha256()
    for s in [TYPE] + [x for k in sorted(data) for x in (k, data[k])]:
        b = s.encode()
        d.update(str(len(b)).encode() + b":" + b)
    return "sha256:" + d.hexdigest()


def dockerconfig(registry, password):
    auth = base64.b64encode(f"bench:{password}".encode()).decode()
    cfg = json.dumps({"auths": {registry: {"username": "bench", "password": password, "auth": auth}}})
    return {".dockerconfigjson": base64.b64encode(cfg.encode()).decode()}


def put_source(name, registry, password, create=False):
    data = dockerconfig(registry, password)
    body = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": SOURCES_NS}, "type": TYPE, "data": data}
    if create:
        api("POST", f"/api/v1/namespaces/{SOURCES_NS}/secrets", body)
    else:
        body["metadata"]["resourceVersion"] = api("GET", f"/api/v1/namespaces/{SOURCES_NS}/secrets/{name}")["metadata"]["resourceVersion"]
        api("PUT", f"/api/v1/namespaces/{SOURCES_NS}/secrets/{name}", body)
    return content_hash(data)


def create_namespace(name):
    Keepalive.post("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})


def calls():
    return api("GET", "/bench/calls")


def reset_calls():
    api("POST", "/bench/calls/reset", query="?sources=" + SOURCES_NS)


def copies(name, prefix, h, previous="-"):
    return api("GET", "/bench/copies", query=f"?name={name}&prefix={prefix}&hash={h}&previous={previous}")


def metric(name, labels=""):
    with urllib.request.urlopen(METRICS, timeout=10) as r:
        total = None
        for line in r.read().decode().splitlines():
            if line.startswith(name) and (not labels or labels in line) and not line.startswith("#"):
                total = (total or 0) + float(line.rsplit(" ", 1)[1])
        return total


def review_histogram():
    """The injector's own pullsecret_injector_review_duration_seconds buckets: {le: count}."""
    with urllib.request.urlopen(METRICS, timeout=10) as r:
        out = {}
        for line in r.read().decode().splitlines():
            if line.startswith("pullsecret_injector_review_duration_seconds_bucket"):
                le = re.search(r'le="([^"]+)"', line).group(1)
                out[float("inf") if le == "+Inf" else float(le)] = float(line.rsplit(" ", 1)[1])
        return out


def histogram_quantile(before, after, q):
    """The bucket bound under which q of the reviews between the two looks fell (seconds)."""
    delta = {le: after.get(le, 0) - before.get(le, 0) for le in after}
    total = delta.get(float("inf"), 0)
    for le in sorted(delta):
        if total and delta[le] >= q * total:
            return le
    return None


def injector_pid():
    return int(open(PID_FILE).read().strip())


def rss_after_gc():
    pid = injector_pid()
    subprocess.run(["jcmd", str(pid), "GC.run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    time.sleep(3)
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) * 1024


def heap_after_gc():
    """Bytes of Java heap in use right after a full GC (jcmd GC.heap_info, any collector): the live data."""
    pid = injector_pid()
    subprocess.run(["jcmd", str(pid), "GC.run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    info = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True).stdout
    used = 0
    for line in info.splitlines():
        m = re.search(r"(generation|heap|region).* total \d+K, used (\d+)K", line)
        if m and "Metaspace" not in line:
            used += int(m.group(2)) * 1024
    return used


def wait(what, cond, timeout, every=0.5):
    start = time.time()
    while True:
        if cond():
            return time.time() - start
        if time.time() - start > timeout:
            raise RuntimeError(f"waited {timeout} s for {what}")
        time.sleep(every)


def caught_up():
    return metric("pullsecret_injector_sync_queue_backlog") == 0


def wait_copies(name, prefix, h, n, timeout):
    return wait(f"{n} copies of {name} holding {h[:15]}", lambda: copies(name, prefix, h)["current"] >= n, timeout)


def last_pass(kind_text):
    with open(os.environ["INJECTOR_LOG"]) as f:
        lines = [l for l in f if "action=sync-pass" in l and kind_text in l]
    return lines[-1].strip() if lines else ""


def ssl_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


CTX = ssl_context()
REVIEW = json.load(open(os.environ["REVIEW_TEMPLATE"]))


def review(namespace, image):
    body = json.loads(json.dumps(REVIEW))
    req = body["request"]
    req["namespace"] = namespace
    req["uid"] = f"{namespace}-{random.getrandbits(32)}"
    req["object"]["metadata"]["namespace"] = namespace
    for c in req["object"]["spec"]["containers"]:
        c["image"] = image
    return json.dumps(body, separators=(",", ":"))


class Webhook:
    local = threading.local()

    @classmethod
    def mutate(cls, namespace, image):
        """POST /mutate; returns (seconds, the patch names the copies it referenced)."""
        body = review(namespace, image)
        for attempt in range(2):
            c = getattr(cls.local, "c", None)
            if c is None:
                c = cls.local.c = http.client.HTTPSConnection(WEBHOOK_HOST, WEBHOOK_PORT, context=CTX, timeout=30)
                c.connect()
            try:
                t = time.perf_counter()
                c.request("POST", "/mutate", body, {"Content-Type": "application/json"})
                r = c.getresponse()
                out = r.read()
                took = time.perf_counter() - t
                resp = json.loads(out)["response"]
                patch = base64.b64decode(resp["patch"]).decode() if resp.get("patch") else ""
                return took, patch
            except (http.client.HTTPException, OSError):
                cls.local.c = None
                if attempt:
                    raise


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def ms(v):
    return None if v is None else round(v * 1000, 1)


def main():
    out = {"settings": {"namespaces": NAMESPACES, "token_namespaces": TOKEN_NAMESPACES, "minutes": MINUTES,
                        "churn_rate": CHURN_RATE, "churn_seconds": CHURN_SECONDS}}

    # --- ready, with nothing to copy yet -------------------------------------------------------
    wait("the injector to lead", lambda: metric("pullsecret_injector_leader") == 1, 120)
    wait("the first full pass", lambda: (metric("pullsecret_injector_sync_runs", 'kind="full"') or 0) >= 1 and caught_up(), 120)
    t0 = content_hash(dockerconfig("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "t0"))
    # warm-up, so that RSS "before" already holds the code of every path the loop takes (JIT,
    # metaspace, connection pools) and the growth is what the namespaces themselves cost: WARMUP
    # namespaces get their copies, the source rotates once, and the namespaces are deleted again
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(create_namespace, [f"warm-{i}" for i in range(WARMUP_NAMESPACES)]))
    wait_copies("regcred", "warm-", content_hash(dockerconfig("registry.example.com", "v1")), WARMUP_NAMESPACES, 600)
    h1 = put_source("regcred", "registry.example.com", "v1-warm")
    wait_copies("regcred", "warm-", h1, WARMUP_NAMESPACES, 600)
    for i in range(WARMUP_NAMESPACES):
        api("DELETE", f"/api/v1/namespaces/warm-{i}")
    wait("the loop to catch up", caught_up, 600)
    time.sleep(5)
    rss0, heap0 = rss_after_gc(), heap_after_gc()
    log(f"RSS with no namespace (after a warm-up of {WARMUP_NAMESPACES}): {rss0 / 1e6:.1f} MB, heap used {heap0 / 1e6:.1f} MB")

    # --- fill: NAMESPACES namespaces, each gets its eager copy -----------------------------------
    reset_calls()
    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(create_namespace, [f"scale-{i}" for i in range(NAMESPACES)]))
    created = time.time() - start
    log(f"{NAMESPACES} namespaces created in {created:.0f} s; waiting for their copies")
    wait_copies("regcred", "scale-", h1, NAMESPACES, 1800)
    wait("the loop to catch up", caught_up, 600)
    out["fill"] = {"seconds": round(time.time() - start, 1), "namespaces_created_seconds": round(created, 1), "calls": calls()}
    log(f"fill: {out['fill']}")

    # --- memory ------------------------------------------------------------------------------------
    time.sleep(5)
    rss1, heap1 = rss_after_gc(), heap_after_gc()
    out["memory"] = {"rss_before": rss0, "rss_after": rss1, "growth": rss1 - rss0,
                     "bytes_per_namespace": round((rss1 - rss0) / NAMESPACES),
                     "heap_used_before": heap0, "heap_used_after": heap1,
                     "heap_bytes_per_namespace": round((heap1 - heap0) / NAMESPACES)}
    log(f"memory: {out['memory']}")

    # --- rotation ----------------------------------------------------------------------------------
    reset_calls()
    start = time.time()
    h2 = put_source("regcred", "registry.example.com", "v2")
    took = wait_copies("regcred", "scale-", h2, NAMESPACES, 1800)
    out["rotation"] = {"seconds": round(took, 1), "calls": calls()}
    wait("the loop to catch up", caught_up, 600)
    log(f"rotation: {out['rotation']}")

    # --- resync with nothing to change ---------------------------------------------------------------
    reset_calls()
    passes = metric("pullsecret_injector_sync_runs", 'kind="full"') or 0
    with open(POLICY, "a") as f:
        f.write(f"# touched by bench-scale at {time.time()}: a full pass follows\n")
    wait("the full pass after the policy change", lambda: (metric("pullsecret_injector_sync_runs", 'kind="full"') or 0) > passes and caught_up(), 600)
    out["resync"] = {"pass": last_pass("kind=full"), "calls": calls()}
    log(f"resync: {out['resync']}")

    # --- tokens: a second source rewritten every 60 s -------------------------------------------------
    tok_image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1"
    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(create_namespace, [f"tok-{i}" for i in range(TOKEN_NAMESPACES)]))
    wait_copies("ecr-token", "tok-", t0, TOKEN_NAMESPACES, 1800)
    wait("the loop to catch up", caught_up, 600)
    log(f"tokens: {TOKEN_NAMESPACES} namespaces with copies in {time.time() - start:.0f} s")
    warm_ns = [f"tok-{i}" for i in range(0, TOKEN_NAMESPACES, max(1, TOKEN_NAMESPACES // 50))]
    for ns in warm_ns:  # their first Pod: admission knows the copy from here on
        Webhook.mutate(ns, tok_image)
    stop = threading.Event()
    warm = {"before": [], "during": []}
    phase = {"now": "before"}

    def warm_load():
        while not stop.is_set():
            took, patch = Webhook.mutate(random.choice(warm_ns), tok_image)
            warm[phase["now"]].append(took)
            time.sleep(0.05)

    loader = threading.Thread(target=warm_load, daemon=True)
    loader.start()
    time.sleep(20)
    rotations = []
    previous, current = None, t0
    source_reads_before = calls().get("get secrets (source)", 0)
    for r in range(1, MINUTES + 1):
        began = time.time()
        before = copies("ecr-token", "tok-", current)
        stale_at_start = before["total"] - before["current"]
        reset_calls()
        phase["now"] = "during"
        previous, current = current, put_source("ecr-token", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", f"t{r}")
        older = 0
        while True:
            now_c = copies("ecr-token", "tok-", current, previous)
            older = max(older, now_c["total"] - now_c["current"] - now_c["previous"])
            if now_c["current"] >= TOKEN_NAMESPACES:
                break
            if time.time() - began > 60:
                break
            time.sleep(0.25)
        reached = time.time() - began
        c = calls()
        rotations.append({"rotation": r, "seconds": round(reached, 1), "all_current": now_c["current"] >= TOKEN_NAMESPACES,
                          "stale_when_it_started": stale_at_start, "older_than_previous": older, "calls": c})
        log(f"token rotation {r}: {rotations[-1]}")
        time.sleep(max(0.0, 60 - (time.time() - began)))
    stop.set()
    loader.join()
    out["tokens"] = {"rotations": rotations, "warm_before": {"n": len(warm["before"]), "p50_ms": ms(pct(warm["before"], 50)),
                                                              "p99_ms": ms(pct(warm["before"], 99)), "max_ms": ms(max(warm["before"] or [0]))},
                     "warm_during": {"n": len(warm["during"]), "p50_ms": ms(pct(warm["during"], 50)),
                                     "p99_ms": ms(pct(warm["during"], 99)), "max_ms": ms(max(warm["during"] or [0]))},
                     "source_reads_by_admission": sum(r["calls"].get("get secrets (source)", 0) for r in rotations)}
    wait("the loop to catch up", caught_up, 600)

    # --- churn: CHURN_RATE new namespaces a second, each with a first Pod ------------------------------
    reset_calls()
    hist_before = review_histogram()
    n = CHURN_RATE * CHURN_SECONDS
    latencies = [None] * n
    patched = [False] * n
    errors = []

    def first_pod(i):
        ns = f"churn-{i}"
        try:
            create_namespace(ns)
            took, patch = Webhook.mutate(ns, "registry.example.com/team/app:1")
            latencies[i] = took
            patched[i] = "regcred" in patch
        except Exception as e:  # counted, reported
            errors.append(repr(e))

    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        for i in range(n):
            delay = start + i / CHURN_RATE - time.time()
            if delay > 0:
                time.sleep(delay)
            pool.submit(first_pod, i)
    churn_end = time.time()
    late = churn_end - (start + CHURN_SECONDS)
    runs_before = metric("pullsecret_injector_sync_runs", 'kind="namespace"') or 0
    catch = wait("the loop to catch up after the churn", caught_up, 900, every=0.2)
    hist_after = review_histogram()
    lat = [x for x in latencies if x is not None]
    out["churn"] = {"namespaces": n, "sent_in_seconds": round(churn_end - start, 1), "schedule_slip_seconds": round(late, 1),
                    "p50_ms": ms(pct(lat, 50)), "p99_ms": ms(pct(lat, 99)), "max_ms": ms(max(lat or [0])),
                    "patched": sum(patched), "errors": len(errors), "first_errors": errors[:3],
                    "catch_up_seconds": round(catch, 1), "calls": calls(), "mock_latency": api("GET", "/bench/latency"),
                    "injector_p50_le_ms": ms(histogram_quantile(hist_before, hist_after, 0.5)),
                    "injector_p99_le_ms": ms(histogram_quantile(hist_before, hist_after, 0.99)),
                    "copies_current": copies("regcred", "churn-", h2)["current"]}
    log(f"churn: {out['churn']}")

    # --- verify: a new leader reads every copy once ---------------------------------------------------
    reset_calls()
    subprocess.run(["bash", "-c", RESTART], check=True)
    wait("the restarted injector to lead", lambda: metric("pullsecret_injector_leader") == 1, 180)
    wait("its first full pass", lambda: (metric("pullsecret_injector_sync_runs", 'kind="full"') or 0) >= 1 and caught_up(), 1800)
    out["verify"] = {"pass": last_pass("verify=true"), "calls": calls()}
    log(f"verify: {out['verify']}")

    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
