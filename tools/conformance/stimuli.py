#!/usr/bin/python3
"""Builds the stimuli of mga-engine's ConformanceTest with Scapy, independently of mga-wire's encoder.

Usage: stimuli.py SOURCE HOME DESTINATION...  Prints one line per stimulus and destination:
"NAME@DESTINATION HEX", the packet's octets from the IPv6 header on. Scapy computes every length and checksum.
"""
import logging
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
logging.getLogger("scapy.loading").setLevel(logging.ERROR)

from scapy.all import (  # noqa: E402
    IPv6, IPv6ExtHdrDestOpt, HAO, MIP6MH_Generic, MIP6MH_BU, MIP6OptAltCoA, ICMPv6EchoRequest, raw,
)

src, home, dsts = sys.argv[1], sys.argv[2], sys.argv[3:]
for dst in dsts:
    stimuli = {
        # RFC 6275 §9.2: an MH Type nobody defines (42), Payload Proto 59, checksum right
        "mh-type-42": IPv6(src=src, dst=dst) / MIP6MH_Generic(nh=59, mhtype=42, msg=b"\x00" * 10),
        # the same behind a Home Address option: the Binding Error's Home Address field copies it (§9.3.3)
        "mh-type-42-hao": IPv6(src=src, dst=dst) / IPv6ExtHdrDestOpt(options=[HAO(hoa=home)])
        / MIP6MH_Generic(nh=59, mhtype=42, msg=b"\x00" * 10),
        # RFC 6275 §9.2: Payload Proto 6 (TCP) instead of 59 (IPPROTO_NONE)
        "mh-proto-6": IPv6(src=src, dst=dst) / MIP6MH_BU(nh=6, seq=7, flags="A", mhtime=10),
        # RFC 6275 §9.2: a BU (MH Type 5, 12 octets at least: Header Len 1) whose Header Len says 0 (8 octets),
        # Payload Proto 59, checksum right over the 8 octets
        "mh-short-bu": IPv6(src=src, dst=dst) / MIP6MH_Generic(nh=59, len=0, mhtype=5, msg=b"\x00\x00"),
        # RFC 4443 §4.1: an Echo Request to the node's own address
        "echo": IPv6(src=src, dst=dst) / ICMPv6EchoRequest(id=0x1234, seq=7, data=b"conformance"),
        # RFC 6275 §10.3.1: a home registration (H=1, A=1) to a node that is no home agent, from a care-of
        # address with a Home Address option
        "bu-h": IPv6(src=src, dst=dst) / IPv6ExtHdrDestOpt(options=[HAO(hoa=home)])
        / MIP6MH_BU(nh=59, seq=9, flags="AH", mhtime=10, options=[MIP6OptAltCoA(acoa=src)]),
        # the same home registration sent from the home address itself, without a Home Address option
        "bu-h-from-home": IPv6(src=home, dst=dst) / MIP6MH_BU(nh=59, seq=9, flags="AH", mhtime=10),
    }
    for name, p in stimuli.items():
        print(name + "@" + dst, raw(p).hex())
