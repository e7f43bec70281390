#!/usr/bin/env python3
"""SE live scenarios' client (seed-samples §12, stmedit): connects to HOST PORT, sends, shuts down its send side,
reads the reply until EOF and writes it to --out. What it sends: --text (UTF-8, once), --chunks A,B,C (separate
writes with TCP_NODELAY, --gap seconds apart), or --file PATH (optionally pausing after --pause-after bytes until the file --go exists). Prints lines a test
reads ("paused" during such a pause):
  sent <CLOCK_MONOTONIC seconds of the last write>
  eof | reset <error>
  retrans <tcpi_total_retrans> segs_out <tcpi_segs_out>
(the TCP_INFO counters `ss -ti` shows as retrans:…/<total> and segs_out). Exit code 0 on EOF, 3 on a reset."""
import argparse, os, socket, struct, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("host")
ap.add_argument("port", type=int)
ap.add_argument("--out", required=True)
ap.add_argument("--text")
ap.add_argument("--chunks")
ap.add_argument("--gap", type=float, default=0.3)
ap.add_argument("--file")
ap.add_argument("--timeout", type=float, default=60)
ap.add_argument("--pause-after", type=int, default=-1, help="with --file: after this many bytes print 'paused' and wait")
ap.add_argument("--go", help="the file whose appearance ends the pause")
a = ap.parse_args()

c = socket.socket(socket.AF_INET6 if ":" in a.host else socket.AF_INET)
c.settimeout(a.timeout)
c.connect((a.host, a.port))
if a.chunks is not None:
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for i, part in enumerate(a.chunks.split(",")):
        if i:
            time.sleep(a.gap)
        c.sendall(part.encode())
elif a.file:
    with open(a.file, "rb") as f:
        data = f.read()
    if a.pause_after >= 0:
        c.sendall(data[:a.pause_after])
        print("paused", flush=True)
        while not os.path.exists(a.go):
            time.sleep(0.05)
        data = data[a.pause_after:]
    c.sendall(data)
else:
    c.sendall((a.text or "").encode())
print("sent %.6f" % time.monotonic(), flush=True)
c.shutdown(socket.SHUT_WR)
reply = bytearray()
status, code = "eof", 0
try:
    while True:
        d = c.recv(1 << 20)
        if not d:
            break
        reply += d
except OSError as e:
    status, code = "reset %s" % e, 3
with open(a.out, "wb") as f:
    f.write(reply)
print(status)
info = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
print("retrans %d segs_out %d" % (struct.unpack_from("I", info, 100)[0], struct.unpack_from("I", info, 136)[0]))
c.close()
sys.exit(code)
