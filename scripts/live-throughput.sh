#!/usr/bin/env bash
# Bulk TCP throughput between two network namespaces, in one run:
#   (a) no jwfp;
#   (b) jwfpd with one PERMIT filter at FWPM_LAYER_OUTBOUND_IPPACKET_V4: every packet the sender sends is queued and
#       classified;
#   (c) jwfpd with an ALE-only policy (one PERMIT filter at FWPM_LAYER_ALE_AUTH_CONNECT_V4): only new flows (and
#       reauthorizations) are queued, established traffic never leaves the kernel;
# and for reference (a') no jwfp but connection tracking on in the sender's namespace, which jwfp's rules switch on.
#
# Namespaces jwfptp-a (10.200.0.1, iperf3 client, jwfpd) and jwfptp-b (10.200.0.2, iperf3 server) joined by a veth
# pair; nothing leaves them and nothing is changed in the root namespace. Needs root, iproute2, iptables, iperf3 and
# JDK 25 (JAVA_HOME). Builds cli/target/jwfp.jar if it is missing.
#
# Usage: scripts/live-throughput.sh [seconds-per-run (default 10)] [rounds (default 3)]
# Each round runs (a), (b), (c) once; the summary gives each mode's median and its ratio to (a).
set -euo pipefail

DURATION=${1:-10}
RUNS=${2:-3}
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/java-env.sh"
. "$ROOT/scripts/netns-pair.sh"
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
    netns_pair_delete "$A" "$B"
    rm -rf "$WORK"
}
trap cleanup EXIT
netns_pair_create "$A" "$B"

ip netns exec "$B" iperf3 -s -p "$PORT" >/dev/null 2>&1 &
SPID=$!
sleep 0.5

# The median of the numbers given (one per line).
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
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

# Packets jwfpd's queue received, from jwfp status.
queued_packets() {
    "$JAVA" -cp "$JAR" io.jwfp.cli.Jwfp status --socket "$WORK/jwfpd.sock" 2>/dev/null \
        | awk -F: '/"packets"/ { gsub(/[ ,]/, "", $2); print $2; exit }'
}

cat >"$WORK/b.yaml" <<'YAML'
filters:
  - name: permit-every-outbound-packet
    layer: FWPM_LAYER_OUTBOUND_IPPACKET_V4
    action: FWP_ACTION_PERMIT
YAML
cat >"$WORK/c.yaml" <<'YAML'
filters:
  - name: permit-connects
    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
    action: FWP_ACTION_PERMIT
YAML

echo "kernel $(uname -r), $(nproc) CPUs, $DURATION s per iperf3 run, $RUNS round(s) of (a) (b) (c), $("$JAVA" -version 2>&1 | head -1)"
# The modes alternate within each round, so a slow phase of the machine hits all three alike.
: >"$WORK/a"; : >"$WORK/ct"; : >"$WORK/b"; : >"$WORK/c"
for round in $(seq "$RUNS"); do
    iperf_gbits "$A" "$DURATION" "$PORT" >>"$WORK/a"
    # (a') for reference: no jwfp, but connection tracking switched on in A by one rule that matches on it, as jwfp's
    # rules do (a namespace tracks connections only once a rule needs it; most real hosts already do).
    ip netns exec "$A" iptables -w -A OUTPUT -m conntrack --ctstate NEW
    iperf_gbits "$A" "$DURATION" "$PORT" >>"$WORK/ct"
    ip netns exec "$A" iptables -w -D OUTPUT -m conntrack --ctstate NEW
    for mode in b c; do
        start_jwfpd "$WORK/$mode.yaml"
        iperf_gbits "$A" "$DURATION" "$PORT" >>"$WORK/$mode"
        queued_packets >"$WORK/$mode.queued"
        stop_jwfpd
    done
    echo "round $round: (a) $(tail -1 "$WORK/a")  (a') $(tail -1 "$WORK/ct")  (b) $(tail -1 "$WORK/b")  (c) $(tail -1 "$WORK/c") Gbit/s" \
        "[queued: (b) $(cat "$WORK/b.queued"), (c) $(cat "$WORK/c.queued") packets]"
done
BASE=$(median <"$WORK/a")
CT=$(median <"$WORK/ct")
PKT=$(median <"$WORK/b")
ALE=$(median <"$WORK/c")
ratio() { awk -v q="$1" -v b="$BASE" 'BEGIN { printf "%.2f", (b > 0 ? q / b : 0) }'; }
echo "median of $RUNS:"
printf "  %-40s %7.2f Gbit/s\n" "(a) no jwfp" "$BASE"
printf "  %-40s %7.2f Gbit/s = %sx (a)\n" "(a') no jwfp, conntrack on" "$CT" "$(ratio "$CT")"
printf "  %-40s %7.2f Gbit/s = %sx (a)\n" "(b) jwfpd, PERMIT at OUTBOUND_IPPACKET_V4" "$PKT" "$(ratio "$PKT")"
printf "  %-40s %7.2f Gbit/s = %sx (a)\n" "(c) jwfpd, ALE-only (AUTH_CONNECT_V4)" "$ALE" "$(ratio "$ALE")"
