package io.mga.wire;

/**
 * What follows the extension headers of an IPv6 packet: a Mobility Header, ICMPv6, UDP, a tunnelled IPv6
 * packet, or raw octets for anything else.
 */
public sealed interface UpperLayer permits MobilityHeader, Icmpv6, Udp, Tunnel, RawPayload {
    /** @return the protocol number announcing this layer (135, 58, 17, 41, ...) */
    int protocol();

    /** @return octets on the wire */
    int wireLength();
}
