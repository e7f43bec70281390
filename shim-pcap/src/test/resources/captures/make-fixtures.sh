#!/usr/bin/env bash
# Regenerates the tcpdump fixtures of CaptureReaderTest (run as root; needs tcpdump, socat, ping, python3).
# Everything happens in two network namespaces created here (veth between them) and a tun device inside one:
# no packet leaves them. Usage: make-fixtures.sh [OUTDIR]
set -euo pipefail
out=$(readlink -f "${1:-$(dirname "$0")}")
a=jwfpfixA$$; b=jwfpfixB$$
cleanup() { ip netns del "$a" 2>/dev/null || true; ip netns del "$b" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$a"; ip netns add "$b"
ip link add va netns "$a" type veth peer name vb netns "$b"
ip -n "$a" addr add 10.99.0.1/24 dev va; ip -n "$b" addr add 10.99.0.2/24 dev vb
ip -n "$a" addr add fd99::1/64 dev va nodad; ip -n "$b" addr add fd99::2/64 dev vb nodad
for n in "$a" "$b"; do ip -n "$n" link set lo up; done
ip -n "$a" link set va up; ip -n "$b" link set vb up
# A tun device in A, held open by a reader, so packets routed into it are captured as raw IP (LINKTYPE_RAW).
python3 - "$a" <<'PY' &
import fcntl, os, struct, subprocess, sys, time
fd = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH', b'tun0', 0x0001 | 0x1000))  # TUNSETIFF, IFF_TUN | IFF_NO_PI
time.sleep(30)
PY
tunpid=$!
sleep 0.5
# The python process opened the tun device in the root namespace: move it into A.
ip link set tun0 netns "$a"
ip -n "$a" addr add 10.98.0.1/24 dev tun0; ip -n "$a" link set tun0 up
ip netns exec "$b" socat TCP-LISTEN:8080,reuseaddr,fork SYSTEM:'echo hello' &
l4=$!
ip netns exec "$b" socat TCP6-LISTEN:8081,reuseaddr,fork SYSTEM:'echo hello6' &
l6=$!
ip netns exec "$b" socat -u UDP-RECV:5353 /dev/null &
lu=$!
sleep 0.5
caps=()
ip netns exec "$a" tcpdump -q -i va -U -w "$out/eth-usec.pcap" 2>/dev/null & caps+=($!)
ip netns exec "$a" tcpdump -q -i va -U --time-stamp-precision=nano -w "$out/eth-nsec.pcap" 2>/dev/null & caps+=($!)
ip netns exec "$a" tcpdump -q -i any -y LINUX_SLL -U -w "$out/sll.pcap" 2>/dev/null & caps+=($!)
ip netns exec "$a" tcpdump -q -i any -y LINUX_SLL2 -U -w "$out/sll2.pcap" 2>/dev/null & caps+=($!)
ip netns exec "$a" tcpdump -q -i tun0 -U -w "$out/raw.pcap" 2>/dev/null & caps+=($!)
sleep 1.5
ip netns exec "$a" socat -u TCP:10.99.0.2:8080 - >/dev/null
ip netns exec "$a" socat -u TCP6:[fd99::2]:8081 - >/dev/null
ip netns exec "$a" socat -u TCP:10.99.0.2:9 - >/dev/null 2>&1 || true   # a closed port: RST
echo datagram | ip netns exec "$a" socat -u - UDP:10.99.0.2:5353
ip netns exec "$a" ping -c 2 -i 0.2 -q 10.99.0.2 >/dev/null
ip netns exec "$a" ping -c 1 -q fd99::2 >/dev/null
ip netns exec "$a" ping -c 2 -i 0.2 -W 1 -q 10.98.0.2 >/dev/null || true   # into the tun: no answer
echo tun | ip netns exec "$a" socat -u - UDP:10.98.0.2:5000
sleep 1
kill -INT "${caps[@]}"; wait "${caps[@]}" 2>/dev/null || true
kill "$l4" "$l6" "$lu" "$tunpid" 2>/dev/null || true
ls -l "$out"/*.pcap
# pcapng versions, made with Wireshark's editcap and mergecap (not needed by the tests, which use the files):
if command -v editcap >/dev/null; then
  editcap -F pcapng "$out/eth-nsec.pcap" "$out/eth-nsec.pcapng"
  editcap -F pcapng "$out/sll2.pcap" "$out/sll2.pcapng"
  mergecap -F pcapng -w "$out/merged.pcapng" "$out/eth-usec.pcap" "$out/raw.pcap"
fi
