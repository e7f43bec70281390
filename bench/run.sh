#!/usr/bin/env bash
# Builds the JMH uber-jar and runs ClassifyBenchmark with short settings fit for a 2-core machine, then prints ns/op,
# gc.alloc.rate.norm (bytes/op) per filter count and the speed-up of the indexed classify over the linear walk.
# Extra arguments go to JMH, e.g.:  bench/run.sh -p filters=10000     or     bench/run.sh -i 10 -r 2s
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"

./mvnw -B -q -pl bench -am package -DskipTests

RESULT=bench/target/jmh-result.json
"$JAVA" -jar bench/target/benchmarks.jar ClassifyBenchmark \
    -f 1 -wi 3 -i 5 -w 1s -r 1s -t 1 -prof gc -rf json -rff "$RESULT" "$@"

echo
echo "ClassifyBenchmark (ALE_AUTH_CONNECT_V4, 1 thread; avg of $(jq '.[0].measurementIterations' "$RESULT") x $(jq -r '.[0].measurementTime' "$RESULT"))"
jq -r '
  def r(x): (x * 10 | round) / 10;
  group_by(.params.filters | tonumber)
  | ["filters", "indexed ns/op", "±", "B/op", "linear ns/op", "±", "B/op", "speed-up"],
    (.[] |
      (map(select(.benchmark | endswith(".indexed")))[0]) as $i |
      (map(select(.benchmark | endswith(".linear")))[0]) as $l |
      [ $i.params.filters,
        r($i.primaryMetric.score), r($i.primaryMetric.scoreError), r($i.secondaryMetrics["gc.alloc.rate.norm"].score),
        r($l.primaryMetric.score), r($l.primaryMetric.scoreError), r($l.secondaryMetrics["gc.alloc.rate.norm"].score),
        "x" + ((($l.primaryMetric.score / $i.primaryMetric.score) * 10 | round) / 10 | tostring) ])
  | @tsv' "$RESULT" | column -t -s $'\t'
