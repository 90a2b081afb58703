#!/usr/bin/env bash
# Prints a kubeconfig for SERVER, trusting CA, authenticating with a client certificate and key.
set -euo pipefail
server=${1:?usage: kubeconfig.sh SERVER CA CERT KEY}
ca=${2:?}; cert=${3:?}; key=${4:?}
cat <<YAML
apiVersion: v1
kind: Config
clusters:
  - name: e2e
    cluster:
      server: $server
      certificate-authority: $ca
users:
  - name: user
    user:
      client-certificate: $cert
      client-key: $key
contexts:
  - name: e2e
    context:
      cluster: e2e
      user: user
current-context: e2e
YAML
