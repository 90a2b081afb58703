# Sourced by the bench scripts: the container image's memory settings, read from
# src/main/docker/Dockerfile.jvm, so that what is measured is what ships.
#   image_jvm_flags   the JAVA_OPTS_MEMORY flags (array)
#   image_malloc_env  MALLOC_ARENA_MAX=<n> (for env)
read -ra image_jvm_flags <<<"$(sed -n 's/^ENV JAVA_OPTS_MEMORY="\(.*\)"$/\1/p' src/main/docker/Dockerfile.jvm)"
image_malloc_env="MALLOC_ARENA_MAX=$(sed -n 's/^ENV MALLOC_ARENA_MAX=\([0-9]*\)$/\1/p' src/main/docker/Dockerfile.jvm)"
if ((${#image_jvm_flags[@]} == 0)) || [[ $image_malloc_env == MALLOC_ARENA_MAX= ]]; then
  echo "bench: JAVA_OPTS_MEMORY or MALLOC_ARENA_MAX not found in src/main/docker/Dockerfile.jvm" >&2
  exit 1
fi
