#!/usr/bin/env python3
"""Servers the samples' live scenarios run at the far end of real traffic (python3, standard library only).

  servers.py http HOST PORT NAME [FILE]   HTTP/1.0: GET / answers NAME, GET /file the bytes of FILE; POST answers
                                          "LENGTH SHA256" of the body. Every request is logged as
                                          "http PEER_ADDR PEER_PORT LOCAL_ADDR LOCAL_PORT METHOD PATH LENGTH SHA256".
  servers.py udp HOST PORT PREFIX         answers every datagram with PREFIX + the datagram, to its sender; logs
                                          "udp PEER_ADDR PEER_PORT LENGTH SHA256".
  servers.py udpc HOST PORT LENGTH        a client: sends LENGTH random bytes from an unconnected socket, waits 2 s for
                                          an answer that echoes them, prints "reply FROM_ADDR FROM_PORT PREFIX" (the
                                          bytes before the echo) or "no reply" / "not an echo".

"listening" is printed once the socket is bound. Log lines are flushed at once (the tests read them while it runs).
"""
import hashlib
import socket
import sys
import threading


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def log(*parts):
    print(" ".join(str(p) for p in parts), flush=True)


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None, None, b""
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    method, path = lines[0].split(" ")[:2]
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return method, path, body


def serve_http(conn, peer, name, file):
    with conn:
        try:
            method, path, body = read_request(conn)
            if method is None:
                return
            local = conn.getsockname()
            log("http", peer[0], peer[1], local[0], local[1], method, path, len(body), hashlib.sha256(body).hexdigest())
            if method == "POST":
                answer = ("%d %s" % (len(body), hashlib.sha256(body).hexdigest())).encode()
            elif path == "/file" and file:
                with open(file, "rb") as f:
                    answer = f.read()
            else:
                answer = name.encode()
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(answer) + answer)
        except OSError as e:
            log("error", peer[0], peer[1], e)


def http(host, port, name, file=None):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(64)
    log("listening")
    while True:
        conn, peer = s.accept()
        threading.Thread(target=serve_http, args=(conn, peer, name, file), daemon=True).start()


def udp(host, port, prefix):
    s = socket.socket(family(host), socket.SOCK_DGRAM)
    s.bind((host, port))
    log("listening")
    while True:
        data, peer = s.recvfrom(65535)
        log("udp", peer[0], peer[1], len(data), hashlib.sha256(data).hexdigest())
        s.sendto(prefix.encode() + data, peer)


def udpc(host, port, length):
    import os
    s = socket.socket(family(host), socket.SOCK_DGRAM)
    s.settimeout(2)
    data = os.urandom(length)
    s.sendto(data, (host, port))
    try:
        reply, peer = s.recvfrom(65535)
    except socket.timeout:
        log("no reply")
        return
    if not reply.endswith(data):
        log("not an echo", peer[0], peer[1], len(reply))
        return
    log("reply", peer[0], peer[1], reply[: len(reply) - len(data)].decode("latin-1"))


if __name__ == "__main__":
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "http":
        http(host, port, sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else None)
    elif mode == "udp":
        udp(host, port, sys.argv[4])
    elif mode == "udpc":
        udpc(host, port, int(sys.argv[4]))
    else:
        sys.exit("unknown mode " + mode)
