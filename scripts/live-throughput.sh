#!/usr/bin/env bash
# Bulk TCP throughput between two network namespaces, in one run:
#   (a) no jwfp;
#   (b) jwfpd with one PERMIT filter at FWPM_LAYER_OUTBOUND_IPPACKET_V4: every packet the sender sends is queued and
#       classified;
#   (c) jwfpd with an ALE-only policy (one PERMIT filter at FWPM_LAYER_ALE_AUTH_CONNECT_V4): only new flows (and
#       reauthorizations) are queued, established traffic never leaves the kernel.
# Prints Gbit/s and the ratio of (b) and (c) to (a).
#
# Namespaces jwfptp-a (10.200.0.1, iperf3 client, jwfpd) and jwfptp-b (10.200.0.2, iperf3 server) joined by a veth
# pair; nothing leaves them and nothing is changed in the root namespace. Needs root, iproute2, iptables, iperf3 and
# JDK 25 (JAVA_HOME). Builds cli/target/jwfp.jar if it is missing.
#
# Usage: scripts/live-throughput.sh [seconds-per-run (default 10)] [runs-per-mode (default 1)]
set -euo pipefail

DURATION=${1:-10}
RUNS=${2:-1}
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/java-env.sh"
JAVA="$JAVA_HOME/bin/java"
JAR="$ROOT/cli/target/jwfp.jar"
A=jwfptp-a
B=jwfptp-b
PORT=5201
WORK=$(mktemp -d /tmp/jwfp-throughput.XXXXXX)

[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces, iptables)" >&2; exit 1; }
for tool in ip iptables iperf3; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y iproute2 iptables iperf3" >&2; exit 1; }
done
if [ ! -f "$JAR" ]; then
    echo "building $JAR ..." >&2
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package -pl cli -am) >&2
fi

JPID=""
SPID=""
stop_jwfpd() {
    if [ -n "$JPID" ]; then
        kill -TERM "$JPID" 2>/dev/null || true
        wait "$JPID" 2>/dev/null || true
        JPID=""
    fi
}
cleanup() {
    stop_jwfpd
    [ -n "$SPID" ] && kill "$SPID" 2>/dev/null || true
    ip netns del "$A" 2>/dev/null || true
    ip netns del "$B" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
ip netns del "$A" 2>/dev/null || true
ip netns del "$B" 2>/dev/null || true

ip netns add "$A"
ip netns add "$B"
ip -n "$A" link add va type veth peer name vb netns "$B"
ip -n "$A" addr add 10.200.0.1/24 dev va
ip -n "$B" addr add 10.200.0.2/24 dev vb
for l in "$A va" "$B vb" "$A lo" "$B lo"; do set -- $l; ip -n "$1" link set "$2" up; done

ip netns exec "$B" iperf3 -s -p "$PORT" >/dev/null 2>&1 &
SPID=$!
sleep 0.5

# Receiver-side bitrate of one iperf3 run, in Gbit/s.
run_iperf() {
    ip netns exec "$A" iperf3 -c 10.200.0.2 -p "$PORT" -t "$DURATION" -f m \
        | awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") printf "%.3f\n", $(i-1) / 1000 }'
}

# Best of RUNS iperf3 runs (the machine's other load only ever lowers a run).
best_of_runs() {
    local best=0 r
    for _ in $(seq "$RUNS"); do
        r=$(run_iperf)
        best=$(awk -v a="$best" -v b="$r" 'BEGIN { print (b > a ? b : a) }')
    done
    echo "$best"
}

start_jwfpd() {
    local policy=$1
    rm -rf "$WORK/state"
    ip netns exec "$A" "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" io.jwfp.daemon.Jwfpd \
        --policy "$policy" --state-dir "$WORK/state" --socket "$WORK/jwfpd.sock" >"$WORK/jwfpd.log" 2>&1 &
    JPID=$!
    for _ in $(seq 150); do grep -q 'listening on' "$WORK/jwfpd.log" && return 0; sleep 0.1; done
    cat "$WORK/jwfpd.log" >&2
    exit 1
}

# Packets jwfpd classified, from jwfp status.
queued_packets() {
    "$JAVA" -cp "$JAR" io.jwfp.cli.Jwfp status --socket "$WORK/jwfpd.sock" 2>/dev/null \
        | awk -F: '/"packets"/ { gsub(/[ ,]/, "", $2); print $2; exit }'
}

cat >"$WORK/packet.yaml" <<'YAML'
filters:
  - name: permit-every-outbound-packet
    layer: FWPM_LAYER_OUTBOUND_IPPACKET_V4
    action: FWP_ACTION_PERMIT
YAML
cat >"$WORK/ale.yaml" <<'YAML'
filters:
  - name: permit-connects
    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
    action: FWP_ACTION_PERMIT
YAML

echo "kernel $(uname -r), $(nproc) CPUs, $DURATION s per run, best of $RUNS, $("$JAVA" -version 2>&1 | head -1)"
BASE=$(best_of_runs)
printf "(a) no jwfp:                          %7.2f Gbit/s\n" "$BASE"

start_jwfpd "$WORK/packet.yaml"
PKT=$(best_of_runs)
PKT_Q=$(queued_packets)
stop_jwfpd
printf "(b) jwfpd, PERMIT at OUTBOUND_IPPACKET: %7.2f Gbit/s = %.2fx (a)   [%s packets classified]\n" \
    "$PKT" "$(awk -v q="$PKT" -v b="$BASE" 'BEGIN { print (b > 0 ? q / b : 0) }')" "$PKT_Q"

start_jwfpd "$WORK/ale.yaml"
ALE=$(best_of_runs)
ALE_Q=$(queued_packets)
stop_jwfpd
printf "(c) jwfpd, ALE-only (AUTH_CONNECT):    %7.2f Gbit/s = %.2fx (a)   [%s packets classified]\n" \
    "$ALE" "$(awk -v q="$ALE" -v b="$BASE" 'BEGIN { print (b > 0 ? q / b : 0) }')" "$ALE_Q"
