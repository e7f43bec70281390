#!/usr/bin/env bash
# The replay benchmark of issue 6: a 1,000,000-packet capture and a 1,000-filter policy, replayed on one core.
# Prints packets/s of the replay and of a baseline measured in the same run (reading and parsing the capture without
# classifying), best and median of ROUNDS; then replays the same files once with the real command line
# (`jwfp replay ... --out`, a fresh JVM: JIT warm-up included) and prints its packets/s too.
# Usage: bench/replay-bench.sh [PACKETS] [FILTERS] [ROUNDS] [CORE]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/scripts/java-env.sh"
packets=${1:-1000000}; filters=${2:-1000}; rounds=${3:-5}; core=${4:-0}
jar="$root/cli/target/jwfp.jar"
if [ ! -f "$jar" ]; then
  echo "replay-bench: building the command line jar..." >&2
  (cd "$root" && ./mvnw -q -B -DskipTests package -pl cli -am) >&2
fi
dir=$(mktemp -d "${TMPDIR:-/dev/shm}/jwfp-replay-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
pin=(taskset -c "$core")
echo "replay-bench: $packets packets, $filters filters, pinned to core $core ($(nproc) cores online), files in $dir"
"${pin[@]}" "$JAVA_HOME/bin/java" -Xms1g -Xmx1g -XX:+UseSerialGC -cp "$jar" io.jwfp.shim.pcap.replay.ReplayBenchmark \
  "$dir" "$packets" "$filters" "$rounds"
echo
echo "jwfp replay (one run, fresh JVM):"
start=$(date +%s%N)
"${pin[@]}" "$JAVA_HOME/bin/java" -Xms1g -Xmx1g -XX:+UseSerialGC -cp "$jar" io.jwfp.cli.Jwfp replay "$dir/bench.pcapng" \
  --policy "$dir/policy.yaml" --local 10.0.0.0/16 --out "$dir/cli-out.pcapng" --json > "$dir/summary.json"
end=$(date +%s%N)
python3 - "$dir/summary.json" "$start" "$end" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
n = s["packets"]["read"]; secs = s["elapsedNanos"] / 1e9; wall = (int(sys.argv[3]) - int(sys.argv[2])) / 1e9
print(f"  {n:,} packets replayed in {secs:.3f} s: {n / secs:,.0f} packets/s "
      f"(process wall time {wall:.2f} s with JVM start and policy load: {n / wall:,.0f} packets/s)")
print(f"  permitted {s['packets']['permitted']:,}, blocked {s['packets']['blocked']:,}, written {s['packets']['written']:,}, flows {s['flows']['total']:,}")
PY
