#!/usr/bin/env bash
# Writes a development CA and a server certificate signed by it, for local runs and for
# `tls.mode=secret` installs. Usage: dev-certs.sh DIR NAMESPACE
set -euo pipefail
dir=${1:?usage: dev-certs.sh DIR NAMESPACE}
ns=${2:?usage: dev-certs.sh DIR NAMESPACE}
svc=pullsecret-injector
mkdir -p "$dir"
cd "$dir"
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=pullsecret-injector dev CA" \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=$svc.$ns.svc" -keyout tls.key -out tls.csr 2>/dev/null
cat > tls.ext <<EXT
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:$svc,DNS:$svc.$ns,DNS:$svc.$ns.svc,DNS:$svc.$ns.svc.cluster.local
EXT
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -extfile tls.ext -out tls.crt 2>/dev/null
rm -f tls.csr tls.ext ca.srl
chmod 644 ca.crt tls.crt
echo "wrote $dir/ca.crt, $dir/tls.crt and $dir/tls.key for localhost, 127.0.0.1 and $svc.$ns.svc"
