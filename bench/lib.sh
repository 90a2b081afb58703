# Sourced by the bench scripts (run.sh, diagnose.sh, startup-profile.sh), from the project root.
#
# The container image's memory settings, read from src/main/docker/Dockerfile.jvm so that what is
# measured is what ships:
#   image_jvm_flags   the JAVA_OPTS_MEMORY flags (array)
#   image_malloc_env  MALLOC_ARENA_MAX=<n> (for env)
read -ra image_jvm_flags <<<"$(sed -n 's/^ENV JAVA_OPTS_MEMORY="\(.*\)"$/\1/p' src/main/docker/Dockerfile.jvm)"
image_malloc_env="MALLOC_ARENA_MAX=$(sed -n 's/^ENV MALLOC_ARENA_MAX=\([0-9]*\)$/\1/p' src/main/docker/Dockerfile.jvm)"
if ((${#image_jvm_flags[@]} == 0)) || [[ $image_malloc_env == MALLOC_ARENA_MAX= ]]; then
  echo "bench: JAVA_OPTS_MEMORY or MALLOC_ARENA_MAX not found in src/main/docker/Dockerfile.jvm" >&2
  exit 1
fi

# install_packages PACKAGE...: installs Debian packages (through sudo unless root), for the tools a
# bench script finds missing.
install_packages() {
  local sudo=""
  [[ $(id -u) == 0 ]] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "$@" >/dev/null
}

# PROBE_MAX_TIME: curl's --max-time for a start-up probe (POST /mutate until the first 200), long on
# purpose. Before the port opens a probe is refused at once; after it, the first request is the
# slowest of all (TLS, first parse, first API calls: 1-2.5 s on one core). A short limit aborted it
# and sent it again, adding the limit itself to the measured start-up (measured: with --max-time 1,
# a first request aborted at 1.0 s and its retry answered 0.8 s later).
PROBE_MAX_TIME=${PROBE_MAX_TIME:-30}

# delete_first_review_copies: deletes from the mock API the two copies (team-a's regcred and
# dockerhub) that the first review of the 2 KB Pod makes, so that the next start's first review
# makes them again and every start does the same API calls.
delete_first_review_copies() {
  local s
  for s in regcred dockerhub; do curl -s -o /dev/null -X DELETE "$api_url/api/v1/namespaces/team-a/secrets/$s" || true; done
}

# start_mock_api LOG: the "cluster", the embedded mock API seeded from examples/embedded-api, in
# its own JVM on LOAD_CPU (its own webhook and management ports random: only its API port is used).
# Sets api_pid and api_url once it has started; exits, showing LOG, if it dies or takes over 60 s.
start_mock_api() {
  local log=$1
  INJECTOR_POLICY_FILE=examples/policy.yaml INJECTOR_EMBEDDED_API=always INJECTOR_SYNC=false INJECTOR_LEADER_ELECTION=false \
    INJECTOR_INVENTORY_PERSIST=false QUARKUS_HTTP_SSL_PORT=0 QUARKUS_MANAGEMENT_PORT=0 \
    taskset -c "$LOAD_CPU" java -Xmx512m -jar target/quarkus-app/quarkus-run.jar >"$log" 2>&1 &
  api_pid=$!
  api_url=""
  for _ in $(seq 1 600); do # at most ~60 s
    api_url=$(sed -n 's/.*EMBEDDED in-memory API at \(http:[^,]*\),.*/\1/p' "$log" | head -1)
    [[ -n $api_url ]] && grep -q 'started in' "$log" && return 0
    kill -0 "$api_pid" 2>/dev/null || { cat "$log" >&2; echo "bench: the mock Kubernetes API died" >&2; exit 1; }
    sleep 0.1
  done
  cat "$log" >&2
  echo "bench: the mock Kubernetes API did not start within 60 s" >&2
  exit 1
}
