#!/usr/bin/env python3
"""SE live scenarios' recorder server (seed-samples §12, stmedit): accepts TCP connections on PORT, saves what each
connection sends until EOF, then sends a scripted reply and closes. Per connection N (from 1) it writes, in DIR:
  N.bin    the bytes received
  N.log    one line per recv(): "<CLOCK_MONOTONIC seconds> <byte count>", then "eof" or "reset <error>"
  N.tcp    the connection's TCP_INFO counters once the client acknowledged everything: "retrans <tcpi_total_retrans>
           segs_out <tcpi_segs_out>" (what `ss -ti` shows as retrans:…/<total> and segs_out)
  N.done   when the connection is finished (so a test can wait for it)
The reply: --reply TEXT sends TEXT; --echo sends back what was received; --file PATH sends that file.
Prints "ready" once listening."""
import argparse, os, socket, struct, sys, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--dir", required=True)
ap.add_argument("--v6", action="store_true")
g = ap.add_mutually_exclusive_group()
g.add_argument("--reply")
g.add_argument("--echo", action="store_true")
g.add_argument("--file")
a = ap.parse_args()


def tcp_counters(c):
    # struct tcp_info: tcpi_total_retrans at offset 100, tcpi_segs_out at 136 (Linux >= 4.2)
    info = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
    retrans = struct.unpack_from("I", info, 100)[0]
    segs_out = struct.unpack_from("I", info, 136)[0] if len(info) >= 140 else 0
    return retrans, segs_out


def unacked(c):
    return struct.unpack_from("I", c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232), 24)[0]


def serve(c, peer, n):
    base = os.path.join(a.dir, str(n))
    data = bytearray()
    with open(base + ".log", "w") as log:
        try:
            while True:
                d = c.recv(1 << 20)
                if not d:
                    log.write("eof\n")
                    break
                log.write("%.6f %d\n" % (time.monotonic(), len(d)))
                log.flush()
                data += d
        except OSError as e:
            log.write("reset %s\n" % e)
    with open(base + ".bin", "wb") as f:
        f.write(data)
    try:
        reply = data if a.echo else open(a.file, "rb").read() if a.file else (a.reply or "").encode()
        if reply:
            c.sendall(reply)
        c.shutdown(socket.SHUT_WR)
        # Wait until the client acknowledged everything, so the counters include every retransmission.
        deadline = time.monotonic() + 30
        while unacked(c) and time.monotonic() < deadline:
            time.sleep(0.01)
        error = ""
    except OSError as e:
        error = "error %s\n" % e
    retrans, segs = tcp_counters(c)
    with open(base + ".tcp", "w") as f:
        f.write("retrans %d segs_out %d\n%s" % (retrans, segs, error))
    c.close()
    open(base + ".done", "w").close()


s = socket.socket(socket.AF_INET6 if a.v6 else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::" if a.v6 else "0.0.0.0", a.port))
s.listen(16)
print("ready", flush=True)
n = 0
while True:
    c, peer = s.accept()
    n += 1
    threading.Thread(target=serve, args=(c, peer, n), daemon=True).start()
