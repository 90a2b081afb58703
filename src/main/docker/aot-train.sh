#!/bin/sh
# The AOT training run: aot-train.sh CACHE -- COMMAND...
#
# COMMAND starts the webhook with -XX:AOTCacheOutput=CACHE (on the JDK it will run on: the cache
# holds only for that JDK build and the same class path). While it runs, the training client
# (AotTraining, started as $TRAINING_CLIENT) sends it $TRAINING_REVIEWS reviews, the files in
# $TRAINING_DIR/reviews, at $TRAINING_URL; then the webhook gets SIGTERM, shuts down cleanly, and its JVM writes
# CACHE on the way out. Used by the image build (src/main/docker/Dockerfile.jvm) and by
# `make bench` (bench/lib.sh), so that the bench measures the cache the image ships.
set -eu
cache=$1
shift 2
TRAINING_REVIEWS=${TRAINING_REVIEWS:-2000}
TRAINING_URL=${TRAINING_URL:-https://127.0.0.1:8443/mutate}
rm -f "$cache"
"$@" &
server=$!
# shellcheck disable=SC2086 # TRAINING_CLIENT is a command with its arguments
if ! $TRAINING_CLIENT train "$TRAINING_URL" "$TRAINING_REVIEWS" "$TRAINING_DIR"/reviews/*.json; then
  kill "$server" 2>/dev/null || true
  echo "aot-train: the training client failed" >&2
  exit 1
fi
kill -TERM "$server"
wait "$server" || true
[ -s "$cache" ] || { echo "aot-train: no AOT cache written to $cache" >&2; exit 1; }
echo "aot-train: wrote $cache ($(du -k "$cache" | cut -f1) kB)"
