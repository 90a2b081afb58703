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

# The ports the webhook's bench runs listen on (HTTPS, management) and the bare floor's HTTPS port;
# other than the defaults when another bench or `make run` holds those. URL: the webhook's base URL.
WEBHOOK_PORT=${WEBHOOK_PORT:-8443}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-9000}
FLOOR_PORT=${FLOOR_PORT:-8444}
URL=https://127.0.0.1:$WEBHOOK_PORT
export QUARKUS_HTTP_SSL_PORT=$WEBHOOK_PORT QUARKUS_MANAGEMENT_PORT=$MANAGEMENT_PORT

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

# AOT_JAVA: the java the webhook runs on in the bench, the container image's runtime: a JDK 25 (its
# AOT cache, JEP 483/515, is what the image ships). The Temurin 25 of these machines unless set.
AOT_JAVA=${AOT_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}

# make_aot_cache CACHE LOG: the AOT cache for this build, made as the image build makes it: the
# training run of src/main/docker/aot-train.sh (the example reviews, no Kubernetes API, the image's
# memory settings) on AOT_JAVA, pinned to SERVER_CPU as the measured runs are. The same class path
# as the measured runs: target/quarkus-app/quarkus-run.jar from the project root.
make_aot_cache() {
  local cache=$1 log=$2
  TRAINING_DIR=examples TRAINING_URL=$URL/mutate TRAINING_CLIENT="taskset -c $LOAD_CPU $AOT_JAVA src/main/docker/AotTraining.java" \
    INJECTOR_POLICY_FILE=examples/policy.yaml QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL=http://127.0.0.1:1 INJECTOR_EMBEDDED_API=never \
    INJECTOR_SYNC=false INJECTOR_LEADER_ELECTION=false INJECTOR_INVENTORY_PERSIST=false \
    src/main/docker/aot-train.sh "$cache" -- env "$image_malloc_env" taskset -c "$SERVER_CPU" "$AOT_JAVA" -Xmx128m "${image_jvm_flags[@]}" \
    -XX:AOTCacheOutput="$cache" -jar target/quarkus-app/quarkus-run.jar >"$log" 2>&1 \
    || { cat "$log" >&2; echo "bench: the AOT training run failed" >&2; exit 1; }
}

# The bare floor (bench/floor built with -Dbare: Quarkus REST + Jackson alone, one JAX-RS POST /mutate
# that parses the review into a tree and answers a constant response), for the webhook's warm path
# to be compared with. It reads the webhook's application.properties (same TLS certificate, cipher
# suites, limits), answers on FLOOR_URL, and gets the one JVM setting the webhook makes for itself
# before Quarkus starts (cli/Main: 1 PBKDF2 round for the in-memory key store).
FLOOR_JAR=bench/floor/target/bare/quarkus-app/quarkus-run.jar
FLOOR_URL=https://127.0.0.1:$FLOOR_PORT
# build_floor: builds the bare floor with the webhook's own Quarkus version, whatever bench/floor/pom.xml says
build_floor() {
  local quarkus
  quarkus=$(sed -n 's:.*<quarkus.platform.version>\(.*\)</quarkus.platform.version>.*:\1:p' pom.xml | head -1)
  ${MVN:-./mvnw -B} -q -f bench/floor/pom.xml package -DskipTests -Dquarkus.platform.version="$quarkus" -Dbare
}
# start_floor LOG JAVA JVM_FLAGS...: starts the bare floor pinned to SERVER_CPU with the given java
# and flags; sets floor_pid once it answers POST /mutate with a 200 (exits if it does not within 60 s)
start_floor() {
  local log=$1 java=$2 code
  shift 2
  QUARKUS_HTTP_SSL_PORT=${FLOOR_URL##*:} QUARKUS_MANAGEMENT_PORT=0 \
    env "$image_malloc_env" taskset -c "$SERVER_CPU" "$java" "$@" -Dkeystore.pkcs12.keyPbeIterationCount=1 -jar "$FLOOR_JAR" >"$log" 2>&1 &
  floor_pid=$!
  for _ in $(seq 1 600); do
    code=$(curl -sk --max-time 5 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
      --data-binary @target/bench/review-2k.json "$FLOOR_URL/mutate" || true)
    [[ $code == 200 ]] && return 0
    kill -0 "$floor_pid" 2>/dev/null || { cat "$log" >&2; echo "bench: the bare floor died" >&2; exit 1; }
    sleep 0.1
  done
  cat "$log" >&2
  echo "bench: the bare floor did not answer within 60 s" >&2
  exit 1
}
