#!/usr/bin/env bash
# `make bench-scale`: the sync loop and admission at cluster scale, against the mock Kubernetes API
# in its own JVM, with the injector's default settings (those the chart ships: sync pace, resync
# and verify periods, leader election on, one replica). Scenarios and figures: bench/scale.py;
# what they mean: bench/README.md. About 25 minutes with the defaults (MINUTES=10).
#
# Settings (environment, or make variables of the same name):
#   NAMESPACES=5000        namespaces with a copy for the fill, memory, rotation and resync figures
#   TOKEN_NAMESPACES=1000  namespaces with a copy of the source rewritten every 60 s
#   MINUTES=10             how many 60-s rotations of that source (1-2 for a quick try)
#   CHURN_RATE=50 CHURN_SECONDS=60  new namespaces a second, each with a first Pod, and for how long
#   SERVER_CPU=1 LOAD_CPU=0 the injector's core; the mock API's and the driver's core
#   SKIP_BUILD=1           reuse target/quarkus-app when it is the bench build
#   WEBHOOK_PORT=18443 MANAGEMENT_PORT=19000  the injector's ports (not 8443/9000, so that a
#                          `make run` or `make bench` elsewhere on the machine does not collide)
# Writes bench/results/<date>-<commit>-scale.md (and the raw figures as .json next to it) and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."

export NAMESPACES=${NAMESPACES:-5000} TOKEN_NAMESPACES=${TOKEN_NAMESPACES:-1000} MINUTES=${MINUTES:-10}
export CHURN_RATE=${CHURN_RATE:-50} CHURN_SECONDS=${CHURN_SECONDS:-60}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
export WEBHOOK_PORT=${WEBHOOK_PORT:-18443} MANAGEMENT_PORT=${MANAGEMENT_PORT:-19000}
MVN=${MVN:-./mvnw -B}
WORK=target/bench-scale
source bench/lib.sh

log() { printf '%s bench-scale: %s\n' "$(date +%T)" "$*" >&2; }

missing=()
command -v python3 >/dev/null || missing+=(python3)
command -v taskset >/dev/null || missing+=(util-linux)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  install_packages "${missing[@]}"
fi
command -v jcmd >/dev/null || { echo "bench-scale: jcmd (from the JDK) is needed for the memory figure" >&2; exit 1; }

if [[ $SKIP_BUILD != 1 ]]; then
  log "building the bench build (the product plus the embedded mock API)"
  $MVN -q -Pbench -Dembedded-api package -DskipTests
fi
[[ -f certs/tls.crt ]] || scripts/dev-certs.sh certs pullsecret-injector
rm -rf "$WORK" && mkdir -p "$WORK"
python3 bench/gen-reviews.py $WORK
cp bench/scale-policy.yaml $WORK/policy.yaml

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src pom.xml bench 2>/dev/null || commit="$commit-dirty"

api_pid=""
cleanup() {
  if [[ -f $WORK/injector.pid ]]; then kill "$(cat $WORK/injector.pid)" 2>/dev/null || true; fi
  if [[ -n $api_pid ]]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

log "starting the mock Kubernetes API (own JVM, core $LOAD_CPU)"
start_mock_api $WORK/api.log
log "mock Kubernetes API at $api_url"

# The injector as the chart runs it: default settings, the image's memory flags, -Xmx128m as in
# make bench; only the API server URL and the policy file differ.
cat >$WORK/start-injector.sh <<EOS
#!/usr/bin/env bash
set -euo pipefail
cd "$(pwd)"
if [[ -f $WORK/injector.pid ]]; then
  pid=\$(cat $WORK/injector.pid); kill \$pid 2>/dev/null || true
  while kill -0 \$pid 2>/dev/null; do sleep 0.1; done
fi
INJECTOR_POLICY_FILE=$WORK/policy.yaml INJECTOR_EMBEDDED_API=never QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL="$api_url" \\
  QUARKUS_HTTP_SSL_PORT=$WEBHOOK_PORT QUARKUS_MANAGEMENT_PORT=$MANAGEMENT_PORT \\
  HOSTNAME=bench-scale-\$RANDOM env "$image_malloc_env" taskset -c "$SERVER_CPU" java -Xmx128m ${image_jvm_flags[*]} \\
  -jar target/quarkus-app/quarkus-run.jar >>$WORK/injector.log 2>&1 &
echo \$! >$WORK/injector.pid
for _ in \$(seq 1 1200); do
  curl -sf -o /dev/null http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready && exit 0
  kill -0 \$(cat $WORK/injector.pid) 2>/dev/null || { tail -50 $WORK/injector.log >&2; echo "bench-scale: the injector died" >&2; exit 1; }
  sleep 0.1
done
echo "bench-scale: the injector was not ready within 120 s" >&2; exit 1
EOS
chmod +x $WORK/start-injector.sh

# the sources, before the injector starts
python3 - <<EOS
import json, urllib.request
def post(path, body):
    req = urllib.request.Request("$api_url" + path, json.dumps(body).encode(), {"Content-Type": "application/json", "User-Agent": "bench-scale"})
    urllib.request.urlopen(req).read()
post("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "scale-creds"}})
EOS
API_URL=$api_url python3 -c '
import os, sys; sys.argv = ["x"]
sys.path.insert(0, "bench")
os.environ.setdefault("POLICY_FILE", ""); os.environ.setdefault("INJECTOR_PID_FILE", ""); os.environ.setdefault("RESTART_CMD", "")
os.environ.setdefault("INJECTOR_LOG", ""); os.environ.setdefault("REVIEW_TEMPLATE", "target/bench-scale/review-2k.json")
import scale
scale.put_source("regcred", "registry.example.com", "v1", create=True)
scale.put_source("ecr-token", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "t0", create=True)
'

log "starting the injector (core $SERVER_CPU, default settings)"
$WORK/start-injector.sh

log "running the scenarios (NAMESPACES=$NAMESPACES TOKEN_NAMESPACES=$TOKEN_NAMESPACES MINUTES=$MINUTES CHURN_RATE=$CHURN_RATE CHURN_SECONDS=$CHURN_SECONDS)"
API_URL=$api_url POLICY_FILE=$WORK/policy.yaml INJECTOR_PID_FILE=$WORK/injector.pid INJECTOR_LOG=$WORK/injector.log \
  RESTART_CMD=$WORK/start-injector.sh REVIEW_TEMPLATE=$WORK/review-2k.json \
  taskset -c "$LOAD_CPU" python3 bench/scale.py >$WORK/figures.json

out=bench/results/$(date +%F)-$commit-scale
cp $WORK/figures.json "$out.json"
python3 bench/scale-report.py $WORK/figures.json "$commit" "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" \
  "$(java -version 2>&1 | head -1)" "$(nproc)" >"$out.md"
cat "$out.md"
log "wrote $out.md"
