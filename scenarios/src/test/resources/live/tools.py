#!/usr/bin/env python3
"""Small programs the live scenarios run inside their namespaces (ip netns exec NS python3 tools.py CMD ...).

sink HOST PORT                 TCP server: for each connection reads to EOF, answers the sha256 hex of what it read
send HOST PORT FILE [TIMEOUT]  TCP client: sends FILE, shuts down writing, prints the server's answer
echo-tcp HOST PORT             TCP echo server (line by line)
session HOST PORT              TCP client: each stdin line is sent, each echoed line printed (flushes)
udp-echo HOST PORT PREFIX LOG  UDP echo server: answers PREFIX+payload, appends each payload (hex) to LOG
udp-count HOST PORT LOG        UDP receiver: appends each payload (hex) to LOG
udp-once HOST PORT PAYLOAD [SRCPORT]  UDP client: one datagram from an unconnected socket; prints "reply PAYLOAD from
                               SRC:PORT" (or "no reply" after 2 s)
udp-pairs HOST PORT COUNT MODE SEED  UDP client: COUNT datagrams (MODE connected|unconnected) with random payloads of
                               1..1400 bytes (or numbered ones when SEED is 'numbered'); waits for each reply (2 s);
                               prints "replies N intact M sources S" (S: the distinct reply sources)
"""
import hashlib, os, random, socket, sys, threading


def family(host):
    return socket.AF_INET6 if ':' in host else socket.AF_INET


def serve_tcp(host, port, handle):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(16)
    print("listening", flush=True)
    while True:
        c, _ = s.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()


def sink(c):
    h = hashlib.sha256()
    while True:
        b = c.recv(65536)
        if not b:
            break
        h.update(b)
    c.sendall(h.hexdigest().encode())
    c.close()


def echo(c):
    f = c.makefile('rwb', buffering=0)
    for line in f:
        f.write(line)
    c.close()


def main(argv):
    cmd = argv[0]
    if cmd == 'sink':
        serve_tcp(argv[1], int(argv[2]), sink)
    elif cmd == 'echo-tcp':
        serve_tcp(argv[1], int(argv[2]), echo)
    elif cmd == 'send':
        c = socket.create_connection((argv[1], int(argv[2])), timeout=float(argv[4]) if len(argv) > 4 else 60)
        with open(argv[3], 'rb') as f:
            c.sendall(f.read())
        c.shutdown(socket.SHUT_WR)
        out = b''
        while True:
            b = c.recv(4096)
            if not b:
                break
            out += b
        print(out.decode())
    elif cmd == 'session':
        c = socket.create_connection((argv[1], int(argv[2])), timeout=5)
        c.settimeout(None)
        f = c.makefile('rwb', buffering=0)
        print("connected", flush=True)
        for line in sys.stdin:
            f.write(line.encode())
            print(f.readline().decode().rstrip('\n'), flush=True)
    elif cmd in ('udp-echo', 'udp-count'):
        host, port = argv[1], int(argv[2])
        prefix = argv[3].encode() if cmd == 'udp-echo' else None
        log = open(argv[4] if cmd == 'udp-echo' else argv[3], 'a')
        s = socket.socket(family(host), socket.SOCK_DGRAM)
        s.bind((host, port))
        print("listening", flush=True)
        while True:
            data, peer = s.recvfrom(65535)
            log.write(data.hex() + ' ' + peer[0] + '\n')
            log.flush()
            if prefix is not None:
                s.sendto(prefix + data, peer)
    elif cmd == 'udp-once':
        host, port = argv[1], int(argv[2])
        s = socket.socket(family(host), socket.SOCK_DGRAM)
        if len(argv) > 4:
            s.bind(('::' if ':' in host else '0.0.0.0', int(argv[4])))
        s.settimeout(2)
        s.sendto(argv[3].encode(), (host, port))
        try:
            data, peer = s.recvfrom(65535)
            print('reply %s from %s:%d' % (data.decode(errors='replace'), peer[0], peer[1]), flush=True)
        except socket.timeout:
            print('no reply', flush=True)
    elif cmd == 'udp-pairs':
        host, port, count, mode, seed = argv[1], int(argv[2]), int(argv[3]), argv[4], argv[5]
        s = socket.socket(family(host), socket.SOCK_DGRAM)
        s.settimeout(2)
        if mode == 'connected':
            s.connect((host, port))
        rnd = random.Random(seed)
        replies = intact = 0
        sources = set()
        for i in range(count):
            if seed == 'numbered':
                payload = ('datagram %03d' % i).encode()
            else:
                payload = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 1400)))
            if mode == 'connected':
                s.send(payload)
            else:
                s.sendto(payload, (host, port))
            try:
                data, peer = s.recvfrom(65535)
            except socket.timeout:
                continue
            replies += 1
            sources.add('%s:%d' % (peer[0], peer[1]))
            if data.endswith(payload) and len(data) == len(payload) + 2:
                intact += 1
        print('replies %d intact %d sources %s' % (replies, intact, ','.join(sorted(sources))), flush=True)
    else:
        raise SystemExit('unknown command ' + cmd)


if __name__ == '__main__':
    main(sys.argv[1:])
