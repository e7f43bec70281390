#!/usr/bin/env bash
# Records the "why was this blocked?" session of docs/why-blocked.md on this machine, without touching its network:
# two network namespaces made here and joined by a veth pair (192.168.1.10 runs jwfpd with
# examples/policies/windows-like.yaml and a stand-in Remote Desktop listener on 3389; 192.168.1.20 is a client),
# then jwfp events, jwfp explain --flow and jwfp filter list as a user would type them. Needs root, iproute2,
# iptables, conntrack and socat. Everything it made is removed at the end.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "why-blocked-session: needs root (network namespaces)" >&2; exit 2; }
A=jwfpdoc-a-$$ B=jwfpdoc-b-$$
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$A"
ip netns add "$B"
ip -n "$A" link add va type veth peer name vb netns "$B"
ip -n "$A" addr add 192.168.1.10/24 dev va
ip -n "$B" addr add 192.168.1.20/24 dev vb
for l in "$A va" "$A lo" "$B vb" "$B lo"; do set -- $l; ip -n "$1" link set "$2" up; done

export JWFP_SOCKET=$work/jwfpd.sock
ip netns exec "$A" "$root/jwfpd" --policy "$root/examples/policies/windows-like.yaml" --state-dir "$work/state" \
  >"$work/jwfpd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do grep -q "listening on" "$work/jwfpd.log" 2>/dev/null && break; sleep 0.1; done
grep -q "listening on" "$work/jwfpd.log" || { cat "$work/jwfpd.log" >&2; exit 1; }
ip netns exec "$A" socat TCP-LISTEN:3389,fork,reuseaddr EXEC:/bin/cat &
pids+=($!)
ip netns exec "$B" socat TCP-LISTEN:443,fork,reuseaddr EXEC:/bin/cat &
pids+=($!)
sleep 0.5

# Prints the command as typed (arguments with spaces in double quotes), runs it, and its exit code if not 0.
show() {
  local line='$' a
  for a in "$@"; do case $a in *' '*) line+=" \"$a\"";; *) line+=" $a";; esac; done
  echo "$line"; "$@" || echo "(exit code $?)"; echo
}
cd "$root"
echo "# on 192.168.1.20, the client:"
show ip netns exec "$B" nc -v -w 3 192.168.1.10 3389 </dev/null
echo "# on 192.168.1.10, where jwfpd runs:"
show ./jwfp events
port=$(./jwfp events --json | sed -n 's/.*"remotePort" *: *\([0-9]*\).*/\1/p' | head -n 1)
show ./jwfp explain --flow "tcp 192.168.1.20:${port:-51000} -> 192.168.1.10:3389" --local 192.168.1.10
show ./jwfp filter list --layer ALE_AUTH_RECV_ACCEPT_V4
echo "# on 192.168.1.10 again: an outbound connection fails too"
since=$(./jwfp events --json | sed -n 's/.*"sequence" *: *\([0-9]*\).*/\1/p' | tail -n 1)
show ip netns exec "$A" curl -sS --max-time 3 -o /dev/null http://192.168.1.20:443/
show ./jwfp events --since "$since"
port=$(./jwfp events --since "$since" --json | sed -n 's/.*"localPort" *: *\([0-9]*\).*/\1/p' | head -n 1)
show ./jwfp explain --flow "tcp 192.168.1.10:${port:-51000} -> 192.168.1.20:443" --app /usr/bin/curl
show ./jwfp explain --flow "tcp 192.168.1.10:${port:-51000} -> 192.168.1.20:443" \
  --app '\Device\HarddiskVolume3\Program Files\Mozilla Firefox\firefox.exe'
show ./jwfp filter list --layer ALE_AUTH_CONNECT_V4
