#!/usr/bin/env bash
# Certificates for the e2e control plane, written to DIR: a cluster CA; kube-apiserver's serving
# certificate for 127.0.0.1; client certificates for the admin (system:masters) and
# kube-controller-manager; the ServiceAccount token signing key pair; and, in DIR/injector, the
# injector's serving certificate for 127.0.0.1 signed by a CA of its own (the webhook's caBundle).
set -euo pipefail
dir=${1:?usage: pki.sh DIR}
mkdir -p "$dir"
cd "$dir"
umask 077

ca() { # name subject
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "$2" -keyout "$1.key" -out "$1.crt" 2>/dev/null
}
signed() { # name subject ca extensions
  openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$4" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -days 2 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

ca ca "/CN=pullsecret-injector e2e cluster CA"
signed apiserver "/CN=kube-apiserver" ca "$(printf '%s\n' 'basicConstraints=CA:FALSE' 'extendedKeyUsage=serverAuth' \
  'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc')"
signed admin "/O=system:masters/CN=e2e-admin" ca "$(printf '%s\n' 'basicConstraints=CA:FALSE' 'extendedKeyUsage=clientAuth')"
signed controller-manager "/CN=system:kube-controller-manager" ca "$(printf '%s\n' 'basicConstraints=CA:FALSE' 'extendedKeyUsage=clientAuth')"
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null

mkdir -p injector
cd injector
ca ca "/CN=pullsecret-injector e2e webhook CA"
signed tls "/CN=127.0.0.1" ca "$(printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=digitalSignature,keyEncipherment' \
  'extendedKeyUsage=serverAuth' 'subjectAltName=IP:127.0.0.1,DNS:localhost')"
rm -f ../ca.srl ca.srl
