"""UDP request/answer rate: keeps WINDOW DNS queries outstanding to SERVER:53 for SECONDS, counts the answers.

Usage: udp_rate.py SERVER SECONDS WINDOW; prints "answers <n> sent <m> seconds <s> rate <answers per second>".
An answer must come from SERVER (a reply from another source is not counted). Lost queries are re-sent after
0.5 s are given up (and the window refilled with new ones).
"""
import select
import socket
import struct
import sys
import time

server, seconds, window = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
# ar.example.net AAAA, recursion desired; the id is filled in per query
question = bytes.fromhex("0100000100000000000002617207" "6578616d706c65036e65740000" "1c0001")
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setblocking(False)
outstanding = {}
next_id = 0
answers = sent = 0


def send(qid):
    global sent
    s.sendto(struct.pack("!H", qid) + question, (server, 53))
    outstanding[qid] = time.monotonic()
    sent += 1


start = time.monotonic()
end = start + seconds
while True:
    now = time.monotonic()
    if now >= end:
        break
    while len(outstanding) < window:
        next_id = (next_id + 1) & 0xffff
        send(next_id)
    r, _, _ = select.select([s], [], [], 0.05)
    if r:
        while True:
            try:
                data, addr = s.recvfrom(2048)
            except BlockingIOError:
                break
            if addr[0] != server or len(data) < 2:
                continue
            qid = struct.unpack("!H", data[:2])[0]
            if outstanding.pop(qid, None) is not None:
                answers += 1
    for qid, t in list(outstanding.items()):
        if now - t > 0.5:
            del outstanding[qid]
elapsed = time.monotonic() - start
print("answers %d sent %d seconds %.2f rate %.0f" % (answers, sent, elapsed, answers / elapsed))
