#!/usr/bin/env bash
# make e2e: the injector against a real Kubernetes control plane on loopback.
#
# 1. Compiles etcd, kube-apiserver, kube-controller-manager and kubectl once per version
#    (e2e/build-control-plane.sh, cached outside the repository).
# 2. Builds the injector (target/quarkus-app).
# 3. Starts etcd, kube-apiserver (RBAC, ServiceAccount tokens, the default admission plugins) and
#    kube-controller-manager on free loopback ports with certificates made here.
# 4. Runs the scenarios (src/test/java/io/pullsecretinjector/e2e): they install the chart with
#    Helm, run the injector outside the cluster as the chart's ServiceAccount, and drive it through
#    the API server. One line per scenario, then "N passed, M failed".
# 5. Stops everything it started, also on failure or Ctrl-C, and leaves nothing listening.
#
# E2E_KEEP=1 keeps the work directory (logs, certificates, kubeconfigs) for a look afterwards.
# E2E_TESTS=PodAdmissionE2eTest runs some scenario classes only (surefire's -Dtest syntax).
# E2E_INJECTOR_ENV="INJECTOR_SYNC=false,..." adds settings to every injector the scenarios start
# (for example to see which scenarios catch a broken sync loop).
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-./mvnw -B}

bin=$(e2e/build-control-plane.sh)
work=$(mktemp -d "${TMPDIR:-/tmp}/pullsecret-injector-e2e.XXXXXX")
mkdir -p "$work/pids" "$work/logs"
pids=()

stop_all() {
  local status=$?
  trap - EXIT INT TERM
  # the scenarios' injector processes first (they write their pid files), then the control plane
  for f in "$work"/pids/*.pid; do [[ -e $f ]] && kill -9 "$(cat "$f")" 2>/dev/null || true; done
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  if [[ ${E2E_KEEP:-0} == 1 || $status -ne 0 ]]; then
    echo "e2e: logs and certificates kept in $work (control plane: $work/logs)" >&2
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Sets each named variable to a free port below the kernel's ephemeral range (so no outgoing
# connection holds it) that no socket uses and no other name got.
free_ports() {
  local low p name taken=" "
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  for name in "$@"; do
    while :; do
      p=$((10000 + RANDOM % (low - 10000)))
      [[ $taken != *" $p "* && -z $(ss -Htan "sport = :$p") ]] && break
    done
    taken+="$p "
    printf -v "$name" '%s' "$p"
  done
}

wait_for() { # what, seconds, command... (the process started last must stay alive meanwhile)
  local what=$1 seconds=$2; shift 2
  for _ in $(seq $((seconds * 5))); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "e2e: $what exited; its log is in $work/logs" >&2; return 1; }
    sleep 0.2
  done
  echo "e2e: $what did not come up within ${seconds}s; its log is in $work/logs" >&2
  return 1
}

echo "e2e: building the injector" >&2
$MVN -q package -DskipTests

echo "e2e: certificates" >&2
pki=$work/pki
mkdir -p "$pki"
e2e/pki.sh "$pki"

free_ports etcd_port etcd_peer api_port injector_port
server=https://127.0.0.1:$api_port

"$bin/etcd" --name e2e --data-dir "$work/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-cluster "e2e=http://127.0.0.1:$etcd_peer" --listen-metrics-urls "" \
  --unsafe-no-fsync --log-level warn >"$work/logs/etcd.log" 2>&1 &
pids+=($!); disown
wait_for etcd 60 curl -sf "http://127.0.0.1:$etcd_port/health"

"$bin/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --secure-port "$api_port" --advertise-address 127.0.0.1 \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --authorization-mode RBAC \
  --service-cluster-ip-range 10.96.0.0/24 \
  --endpoint-reconciler-type none \
  --profiling=false \
  >"$work/logs/kube-apiserver.log" 2>&1 &
pids+=($!); disown

e2e/kubeconfig.sh "$server" "$pki/ca.crt" "$pki/admin.crt" "$pki/admin.key" >"$work/admin.kubeconfig"
e2e/kubeconfig.sh "$server" "$pki/ca.crt" "$pki/controller-manager.crt" "$pki/controller-manager.key" >"$work/controller-manager.kubeconfig"
wait_for kube-apiserver 180 "$bin/kubectl" --kubeconfig "$work/admin.kubeconfig" get --raw /readyz

"$bin/kube-controller-manager" \
  --kubeconfig "$work/controller-manager.kubeconfig" \
  --use-service-account-credentials \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --leader-elect=false --secure-port 0 \
  >"$work/logs/kube-controller-manager.log" 2>&1 &
pids+=($!); disown
wait_for "kube-controller-manager (the default ServiceAccount)" 120 \
  "$bin/kubectl" --kubeconfig "$work/admin.kubeconfig" -n default get serviceaccount default

version=$("$bin/kubectl" --kubeconfig "$work/admin.kubeconfig" version -o json | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1)
echo "e2e: Kubernetes $version at $server (etcd, kube-apiserver, kube-controller-manager); running the scenarios" >&2

set +e
$MVN -q test-compile surefire:test@e2e \
  -De2e.work="$work" -De2e.bin="$bin" -De2e.server="$server" -De2e.injectorPort="$injector_port" \
  -De2e.kubernetesVersion="$version" -De2e.injectorEnv="${E2E_INJECTOR_ENV:-}" \
  ${E2E_TESTS:+-Dtest="$E2E_TESTS"}
status=$?
set -e
exit "$status"
