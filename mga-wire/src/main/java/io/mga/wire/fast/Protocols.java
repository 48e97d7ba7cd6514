package io.mga.wire.fast;

/**
 * Protocol numbers as {@code int} constants for the fast path, where a named-number object would cost a lookup:
 * the Next Header values (IANA "Assigned Internet Protocol Numbers") and the ICMPv6 and Mobility Header types the
 * roles dispatch on. The control plane uses the named types ({@link io.mga.wire.IpProtocol},
 * {@link io.mga.wire.Icmpv6Type}, {@link io.mga.wire.MhType}), which carry the same numbers.
 */
public final class Protocols {
    /** Next Header 0: Hop-by-Hop Options header (RFC 8200 §4.3). */
    public static final int HOP_BY_HOP = 0;
    /** Next Header 6: TCP. */
    public static final int TCP = 6;
    /** Next Header 17: UDP. */
    public static final int UDP = 17;
    /** Next Header 41: IPv6 encapsulated in IPv6 (RFC 2473). */
    public static final int IPV6_IN_IPV6 = 41;
    /** Next Header 43: Routing header (RFC 8200 §4.4; type 2: RFC 6275 §6.4). */
    public static final int ROUTING = 43;
    /** Next Header 44: Fragment header (RFC 8200 §4.5). */
    public static final int FRAGMENT = 44;
    /** Next Header 51: Authentication Header (RFC 4302). */
    public static final int AUTHENTICATION_HEADER = 51;
    /** Next Header 58: ICMPv6. */
    public static final int ICMPV6 = 58;
    /** Next Header 59: no next header (the Payload Proto of every Mobility Header, RFC 6275 §6.1.1). */
    public static final int NO_NEXT_HEADER = 59;
    /** Next Header 60: Destination Options header (RFC 8200 §4.6; Home Address option: RFC 6275 §6.3). */
    public static final int DESTINATION_OPTIONS = 60;
    /** Next Header 135: Mobility Header (RFC 6275 §6.1). */
    public static final int MOBILITY = 135;

    /** ICMPv6 type 1: Destination Unreachable (RFC 4443 §3.1). */
    public static final int ICMPV6_DESTINATION_UNREACHABLE = 1;
    /** ICMPv6 type 2: Packet Too Big (RFC 4443 §3.2). */
    public static final int ICMPV6_PACKET_TOO_BIG = 2;
    /** ICMPv6 type 4: Parameter Problem (RFC 4443 §3.4). */
    public static final int ICMPV6_PARAMETER_PROBLEM = 4;
    /** ICMPv6 type 128: Echo Request (RFC 4443 §4.1). */
    public static final int ICMPV6_ECHO_REQUEST = 128;
    /** ICMPv6 type 144: Home Agent Address Discovery Request (RFC 6275 §6.5). */
    public static final int ICMPV6_HAAD_REQUEST = 144;
    /** ICMPv6 type 145: Home Agent Address Discovery Reply (RFC 6275 §6.6). */
    public static final int ICMPV6_HAAD_REPLY = 145;

    /** MH Type 0: Binding Refresh Request. */
    public static final int MH_BINDING_REFRESH_REQUEST = 0;
    /** MH Type 1: Home Test Init. */
    public static final int MH_HOME_TEST_INIT = 1;
    /** MH Type 2: Care-of Test Init. */
    public static final int MH_CARE_OF_TEST_INIT = 2;
    /** MH Type 3: Home Test. */
    public static final int MH_HOME_TEST = 3;
    /** MH Type 4: Care-of Test. */
    public static final int MH_CARE_OF_TEST = 4;
    /** MH Type 5: Binding Update. */
    public static final int MH_BINDING_UPDATE = 5;
    /** MH Type 6: Binding Acknowledgement. */
    public static final int MH_BINDING_ACKNOWLEDGEMENT = 6;
    /** MH Type 7: Binding Error. */
    public static final int MH_BINDING_ERROR = 7;

    private Protocols() {
    }
}
