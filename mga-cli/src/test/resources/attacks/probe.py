#!/usr/bin/python3
"""The legitimate client: one UDP query to the anycast address every 100 ms for a given time, from a given
source; a query counts as answered if its answer (which echoes it) comes within 1 s. Prints one JSON line."""
import json
import select
import socket
import sys
import time

src, dst, port, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
interval = float(sys.argv[5]) if len(sys.argv) > 5 else 0.1
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind((src, 0))
s.setblocking(False)
sent = {}
answered = set()
t0 = time.monotonic()
n = 0
nxt = t0
end = t0 + seconds
while True:
    now = time.monotonic()
    if now >= end + 1.0:
        break
    if now >= nxt and now < end:
        try:
            s.sendto(b"q%d" % n, (dst, port))
        except OSError:
            pass
        sent[n] = now
        n += 1
        nxt += interval
    r, _, _ = select.select([s], [], [], max(0.0, min(nxt, end + 1.0) - time.monotonic()))
    if r:
        try:
            data, _ = s.recvfrom(2048)
        except OSError:
            continue
        text = data.decode("ascii", "replace")
        i = text.rfind("q")
        try:
            k = int(text[i + 1:].strip())
        except ValueError:
            continue
        if k in sent and time.monotonic() - sent[k] <= 1.0:
            answered.add(k)
print(json.dumps({"sent": n, "answered": len(answered)}))
