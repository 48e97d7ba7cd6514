package io.mga.wire;

import java.util.Locale;

/** The protocol layer a {@link MalformedPacketException} refers to. The snake_case {@link #id()} is stable. */
public enum Layer {
    /** Link-layer framing (Ethernet, Linux cooked capture, null/loopback). */
    LINK,
    /** The IPv6 fixed header. */
    IPV6,
    /** Hop-by-Hop Options header. */
    HOP_BY_HOP,
    /** Destination Options header. */
    DESTINATION_OPTIONS,
    /** Routing header. */
    ROUTING,
    /** Fragment header. */
    FRAGMENT,
    /** Another extension header kept raw (AH, RFC 6564 headers). */
    EXTENSION,
    /** An option inside a Hop-by-Hop or Destination Options header. */
    IPV6_OPTION,
    /** The Mobility Header. */
    MH,
    /** A mobility option. */
    MOBILITY_OPTION,
    /** ICMPv6. */
    ICMPV6,
    /** A Neighbor Discovery option inside an ICMPv6 message. */
    ND_OPTION,
    /** UDP. */
    UDP;

    /** @return the stable snake_case name, e.g. {@code mobility_option} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
