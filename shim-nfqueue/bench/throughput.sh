#!/usr/bin/env bash
# Bulk TCP throughput through the Java nfqueue shim, against a no-queue baseline measured in the same run.
#
# Two network namespaces joined by a veth pair (10.200.0.1 <-> 10.200.0.2, nothing leaves them); iperf3
# server in B, client in A. Every packet of the iperf3 connection in A (OUTPUT and INPUT) goes through
# NFQUEUE 0, served by io.jwfp.shim.nfqueue.tools.AcceptAll (accept-all) running inside A.
#
# Needs root, iproute2, iptables, iperf3 and a built shim:
#   apt-get install -y iptables iperf3
#   ./mvnw -B -q -pl shim-nfqueue -am test-compile   (or any build that fills shim-nfqueue/target/classes)
# Usage: shim-nfqueue/bench/throughput.sh [seconds-per-run (default 10)]
# MODES (env, space separated) picks the queue runs (default "gso gso-out gso-hdr nogso"):
#   gso         GSO on, full packets copied (copy range 65531), both directions queued
#   gso-out     as gso, but only the data direction (OUTPUT) is queued
#   gso-hdr     GSO on, only the first 128 bytes copied (headers: what a firewall decides on)
#   nogso       GSO off: the kernel segments to MTU-sized packets before queueing
#   nocoalesce  as gso, one verdict message per packet (still several per send)
set -euo pipefail

DURATION=${1:-10}
MODES=${MODES:-"gso gso-out gso-hdr nogso"}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../../scripts/netns-pair.sh"
CLASSES="$HERE/../target/classes"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
A=jwfpb-a
B=jwfpb-b
PORT=5201

[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces, iptables)" >&2; exit 1; }
for tool in ip iptables iperf3; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y iproute2 iptables iperf3" >&2; exit 1; }
done
[ -f "$CLASSES/io/jwfp/shim/nfqueue/tools/AcceptAll.class" ] || {
    echo "build the shim first: ./mvnw -B -q -pl shim-nfqueue -am test-compile" >&2; exit 1; }

QPID=""
SPID=""
cleanup() {
    [ -n "$QPID" ] && kill "$QPID" 2>/dev/null && wait "$QPID" 2>/dev/null || true
    [ -n "$SPID" ] && kill "$SPID" 2>/dev/null || true
    netns_pair_delete "$A" "$B"
}
trap cleanup EXIT
netns_pair_create "$A" "$B"

ip netns exec "$B" iperf3 -s -p "$PORT" >/dev/null 2>&1 &
SPID=$!
sleep 0.5

# Prints the receiver-side bitrate of one iperf3 run in Mbit/s.
run_iperf() {
    awk '{ printf "%.0f\n", $1 * 1000 }' <<<"$(iperf_gbits "$A" "$DURATION" "$PORT")"
}

queue_rules() {
    local op=$1 both=$2
    ip netns exec "$A" iptables -w "$op" OUTPUT -p tcp -d 10.200.0.2 --dport "$PORT" -j NFQUEUE --queue-num 0
    if [ "$both" = both ]; then
        ip netns exec "$A" iptables -w "$op" INPUT -p tcp -s 10.200.0.2 --sport "$PORT" -j NFQUEUE --queue-num 0
    fi
}

echo "kernel $(uname -r), $(nproc) CPUs, $DURATION s per run, java: $("$JAVA" -version 2>&1 | head -1)"
BASE=$(run_iperf)
echo "baseline (no queue):            $BASE Mbit/s"

for mode in $MODES; do
    dirs=both
    case $mode in
        gso) opts="" ;;
        gso-out) opts=""; dirs=out ;;
        gso-hdr) opts="--copy-range 128" ;;
        nogso) opts="--no-gso" ;;
        nocoalesce) opts="--no-coalesce" ;;
        *) echo "unknown mode $mode" >&2; exit 1 ;;
    esac
    log=$(mktemp)
    ip netns exec "$A" "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CLASSES" \
        io.jwfp.shim.nfqueue.tools.AcceptAll --queues 0:0 $opts >"$log" 2>&1 &
    QPID=$!
    for _ in $(seq 100); do grep -q '^ready' "$log" && break; sleep 0.1; done
    grep -q '^ready' "$log" || { cat "$log" >&2; exit 1; }
    queue_rules -A "$dirs"
    RATE=$(run_iperf)
    queue_rules -D "$dirs"
    kill "$QPID"; wait "$QPID" 2>/dev/null || true
    QPID=""
    RATIO=$(awk -v q="$RATE" -v b="$BASE" 'BEGIN { printf "%.2f", (b > 0 ? q / b : 0) }')
    printf "accept-all queue, %-11s %s Mbit/s  = %sx baseline\n" "$mode:" "$RATE" "$RATIO"
    sed 's/^/    /' "$log" | grep -v '^    ready'
    rm -f "$log"
done
