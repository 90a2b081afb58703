#!/usr/bin/env bash
# Compiles the control plane that `make e2e` runs (etcd, kube-apiserver, kube-controller-manager,
# kubectl) from Go modules, once per version, into a cache outside the repository. Nothing is
# downloaded but Go modules. Prints the directory that holds the binaries.
#
# Usage: e2e/build-control-plane.sh
# Cache: $PULLSECRET_E2E_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/pullsecret-injector/e2e
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$here/controlplane
version=$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' "$module/go.mod")
cache=${PULLSECRET_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pullsecret-injector/e2e}/$version
bin=$cache/bin
# The go.mod and go.sum decide what is built: a change to either builds again.
stamp=$(cat "$module/go.mod" "$module/go.sum" "$module"/cmd/*/*.go | sha256sum | cut -c1-16)

if [[ -f $bin/.stamp && $(cat "$bin/.stamp") == "$stamp" ]]; then
  for b in etcd kube-apiserver kube-controller-manager kubectl; do
    [[ -x $bin/$b ]] || { rm -f "$bin/.stamp"; break; }
  done
fi
if [[ ! -f $bin/.stamp ]]; then
  command -v go >/dev/null || { echo "make e2e needs Go (1.26 or newer) to compile kube-apiserver $version: install it from https://go.dev/dl or your distribution" >&2; exit 1; }
  echo "e2e: compiling etcd, kube-apiserver, kube-controller-manager and kubectl $version into $bin (once per version; takes a while on a cold cache)" >&2
  mkdir -p "$bin"
  start=$SECONDS
  # The version the binaries report (/version, kubectl version): Helm checks a chart's kubeVersion
  # against it, and an unstamped build says v0.0.0.
  IFS=. read -r major minor _ <<<"${version#v}"
  ldflags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  (cd "$module" && go build -ldflags "$ldflags" -o "$bin/" ./cmd/etcd \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl) >&2
  echo "$stamp" > "$bin/.stamp"
  echo "e2e: control plane $version compiled in $((SECONDS - start)) s" >&2
fi
echo "$bin"
