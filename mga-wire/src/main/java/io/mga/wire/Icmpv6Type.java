package io.mga.wire;

/**
 * ICMPv6 message types mga decodes (RFC 4443, RFC 4861, RFC 6275 §6.5–§6.8).
 *
 * <p>An open set: {@link #valueOf(int)} never throws and names codes it does not know {@code unassigned_N}.
 *
 * @param code the number on the wire, 0 to 255
 * @param name the stable snake_case name
 */
public record Icmpv6Type(int code, String name) {
    /** 1: {@code destination_unreachable}. */
    public static final Icmpv6Type DESTINATION_UNREACHABLE = new Icmpv6Type(1, "destination_unreachable");
    /** 2: {@code packet_too_big}. */
    public static final Icmpv6Type PACKET_TOO_BIG = new Icmpv6Type(2, "packet_too_big");
    /** 3: {@code time_exceeded}. */
    public static final Icmpv6Type TIME_EXCEEDED = new Icmpv6Type(3, "time_exceeded");
    /** 4: {@code parameter_problem}. */
    public static final Icmpv6Type PARAMETER_PROBLEM = new Icmpv6Type(4, "parameter_problem");
    /** 128: {@code echo_request}. */
    public static final Icmpv6Type ECHO_REQUEST = new Icmpv6Type(128, "echo_request");
    /** 129: {@code echo_reply}. */
    public static final Icmpv6Type ECHO_REPLY = new Icmpv6Type(129, "echo_reply");
    /** 135: {@code neighbor_solicitation}. */
    public static final Icmpv6Type NEIGHBOR_SOLICITATION = new Icmpv6Type(135, "neighbor_solicitation");
    /** 136: {@code neighbor_advertisement}. */
    public static final Icmpv6Type NEIGHBOR_ADVERTISEMENT = new Icmpv6Type(136, "neighbor_advertisement");
    /** 144: {@code haad_request}. */
    public static final Icmpv6Type HAAD_REQUEST = new Icmpv6Type(144, "haad_request");
    /** 145: {@code haad_reply}. */
    public static final Icmpv6Type HAAD_REPLY = new Icmpv6Type(145, "haad_reply");
    /** 146: {@code mobile_prefix_solicitation}. */
    public static final Icmpv6Type MOBILE_PREFIX_SOLICITATION = new Icmpv6Type(146, "mobile_prefix_solicitation");
    /** 147: {@code mobile_prefix_advertisement}. */
    public static final Icmpv6Type MOBILE_PREFIX_ADVERTISEMENT = new Icmpv6Type(147, "mobile_prefix_advertisement");

    private static final NumberTable<Icmpv6Type> TABLE = new NumberTable<>(Icmpv6Type::new, 1, "destination_unreachable", 2, "packet_too_big", 3, "time_exceeded", 4, "parameter_problem", 128, "echo_request", 129, "echo_reply", 135, "neighbor_solicitation", 136, "neighbor_advertisement", 144, "haad_request", 145, "haad_reply", 146, "mobile_prefix_solicitation", 147, "mobile_prefix_advertisement");

    /**
     * Looks a code up.
     *
     * @param code 0 to 255 (higher bits are ignored)
     * @return the named value, or an {@code unassigned_N} value
     */
    public static Icmpv6Type valueOf(int code) {
        return TABLE.get(code);
    }

    /** @return true when this code has a name in this table */
    public boolean isAssigned() {
        return !name.startsWith("unassigned_");
    }
}
