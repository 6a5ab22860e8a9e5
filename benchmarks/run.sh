#!/usr/bin/env bash
# Runs the InsideLLM benchmark suite with defaults sized for a 2-core machine (under 10 minutes including the build) and writes
# benchmarks/results/results.md (the table) next to the raw JMH JSON and logs.
#
#   benchmarks/run.sh                 # build, then run everything
#   SKIP_BUILD=1 benchmarks/run.sh    # reuse benchmarks/target/benchmarks.jar
#   JMH_OPTS="-wi 3 -i 5" benchmarks/run.sh   # longer runs (appended to the defaults)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$here/results"
jar="$here/target/benchmarks.jar"
mkdir -p "$out"

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi

defaults=(-f 1 -wi 2 -i 3 -w 1s -r 2s -foe true)
extra=(${JMH_OPTS:-})

run() {
  local name="$1"; shift
  echo "== $name: java -jar benchmarks.jar $*"
  java -jar "$jar" "$@" "${defaults[@]}" "${extra[@]}" -rf json -rff "$out/$name.json" 2>&1 | tee "$out/$name.log"
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
  echo "cores: $(nproc)"
  echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
  echo "load before run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $(java -version 2>&1 | head -2 | tail -1)"
  echo "git: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$out/machine.txt"

for t in 1 2 4; do
  run "caller-cost-t$t" 'CallerCostBenchmark' -t "$t" -prof gc
done
run event-construction 'EventConstructionBenchmark' -prof gc
run delivery 'DeliveryThroughputBenchmark' -prof gc
run collector 'CollectorThroughputBenchmark'
run integrations 'LangChain4jListenerBenchmark|SpringAopBenchmark' -prof gc
run wrappers 'OpenAiWrapperBenchmark|AnthropicWrapperBenchmark|GenAiWrapperBenchmark' -prof gc
run opentelemetry 'OpenTelemetryExporterBenchmark' -prof gc

echo "load after run: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
python3 "$here/format_results.py" "$out" > "$out/results.md"
echo "Wrote $out/results.md"
