#!/usr/bin/env bash
# The InsideLLM for Java demo, in one command from a fresh clone:
#   builds what it needs, starts the local collector, runs the examples against it, prints what the collector
#   received and keeps the collector (and its viewer) running until Ctrl-C.
#
#   ./demo.sh                    the demo; open the printed viewer URL, Ctrl-C to stop
#   ./demo.sh --ci               the same, exiting after the summary (non-zero when an example failed)
#   ./demo.sh --only QuickStart  only some examples (comma-separated)
#   ./demo.sh --port 7801        another port (a busy port falls back to a free one)
#   ./demo.sh --run QuickStart   run one example's main against a collector already on 127.0.0.1:7800
#   ./demo.sh --no-build ...     skip the Maven build (after a first run)
set -euo pipefail
cd "$(dirname "$0")"

build=true
run_example=""
demo_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=false ;;
    --run) run_example="${2:?--run needs an example name, such as QuickStart}"; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) demo_args+=("$1") ;;
  esac
  shift
done

fail() { echo "demo: $*" >&2; exit 1; }

command -v java >/dev/null || fail "java was not found. Install a JDK 17 or newer (https://adoptium.net) and put it on the PATH."
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
[[ "${java_major:-0}" -ge 17 ]] || fail "java is version ${java_major:-unknown}; InsideLLM for Java needs 17 or newer. Set JAVA_HOME or the PATH to a newer JDK."

classpath_file=examples/target/classpath.txt
if $build; then
  command -v mvn >/dev/null || fail "mvn was not found. Install Maven 3.8 or newer (https://maven.apache.org/install.html)."
  log="${TMPDIR:-/tmp}/insidellm-demo-build.log"
  echo "Building the SDK, the collector and the examples (mvn package, tests skipped; log: $log)"
  start=$SECONDS
  downloading=false
  # -B keeps the log plain; the loop turns Maven's output into one progress line per module.
  if ! mvn -B -DskipTests -pl examples -am package >"$log" 2>&1 < /dev/null; then
    echo
    grep -E '^\[ERROR\]' "$log" | head -20 >&2 || true
    fail "the build failed (full log: $log). Check that Maven can reach Maven Central, then run ./demo.sh again."
  fi &
  build_pid=$!
  shown=0
  while kill -0 "$build_pid" 2>/dev/null; do
    if ! $downloading && grep -q '^\[INFO\] Download' "$log" 2>/dev/null; then
      echo "  downloading dependencies from Maven Central (first run only; this takes a few minutes)"
      downloading=true
    fi
    modules=$(grep -E '^\[INFO\] Building InsideLLM' "$log" 2>/dev/null | sed 's/^\[INFO\] Building //' || true)
    count=$(printf '%s' "$modules" | grep -c . || true)
    if [[ "$count" -gt "$shown" ]]; then
      printf '%s\n' "$modules" | tail -n +"$((shown + 1))" \
        | sed -E 's/^(.*) [0-9][^ ]*-SNAPSHOT *\[([0-9]+\/[0-9]+)\]$/  [\2] \1/'
      shown=$count
    fi
    sleep 1
  done
  wait "$build_pid" || exit 1
  echo "  built in $((SECONDS - start)) s"
fi
[[ -f "$classpath_file" ]] || fail "$classpath_file is missing; run ./demo.sh without --no-build once."

classpath="examples/target/classes:$(cat "$classpath_file")"
if [[ -n "$run_example" ]]; then
  exec java -cp "$classpath" "com.insidellm.examples.$run_example" ${demo_args[@]+"${demo_args[@]}"}
fi
exec java -cp "$classpath" com.insidellm.examples.Demo ${demo_args[@]+"${demo_args[@]}"}
