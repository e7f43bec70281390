# Sourced by the throughput scripts: two network namespaces joined by a veth pair, nothing else touched.
#   netns_pair_create A B   A holds 10.200.0.1/24 (va), B 10.200.0.2/24 (vb); lo up in both
#   netns_pair_delete A B   removes them (and every rule inside them)
#   iperf_gbits A SECONDS [PORT]   receiver-side bitrate of one iperf3 run from A to 10.200.0.2, in Gbit/s
netns_pair_delete() {
    ip netns del "$1" 2>/dev/null || true
    ip netns del "$2" 2>/dev/null || true
}

netns_pair_create() {
    netns_pair_delete "$1" "$2"
    ip netns add "$1"
    ip netns add "$2"
    ip -n "$1" link add va type veth peer name vb netns "$2"
    ip -n "$1" addr add 10.200.0.1/24 dev va
    ip -n "$2" addr add 10.200.0.2/24 dev vb
    ip -n "$1" link set va up
    ip -n "$2" link set vb up
    ip -n "$1" link set lo up
    ip -n "$2" link set lo up
}

iperf_gbits() {
    ip netns exec "$1" iperf3 -c 10.200.0.2 -p "${3:-5201}" -t "$2" -f m \
        | awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") printf "%.3f\n", $(i-1) / 1000 }'
}
