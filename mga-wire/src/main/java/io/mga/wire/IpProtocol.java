package io.mga.wire;

/**
 * IPv6 Next Header values mga meets (RFC 8200, IANA protocol numbers).
 *
 * <p>An open set: {@link #valueOf(int)} never throws and names codes it does not know {@code unassigned_N}.
 *
 * @param code the number on the wire, 0 to 255
 * @param name the stable snake_case name
 */
public record IpProtocol(int code, String name) {
    /** 0: {@code hop_by_hop}. */
    public static final IpProtocol HOP_BY_HOP = new IpProtocol(0, "hop_by_hop");
    /** 6: {@code tcp}. */
    public static final IpProtocol TCP = new IpProtocol(6, "tcp");
    /** 17: {@code udp}. */
    public static final IpProtocol UDP = new IpProtocol(17, "udp");
    /** 41: {@code ipv6}. */
    public static final IpProtocol IPV6 = new IpProtocol(41, "ipv6");
    /** 43: {@code routing}. */
    public static final IpProtocol ROUTING = new IpProtocol(43, "routing");
    /** 44: {@code fragment}. */
    public static final IpProtocol FRAGMENT = new IpProtocol(44, "fragment");
    /** 50: {@code esp}. */
    public static final IpProtocol ESP = new IpProtocol(50, "esp");
    /** 51: {@code ah}. */
    public static final IpProtocol AH = new IpProtocol(51, "ah");
    /** 58: {@code icmpv6}. */
    public static final IpProtocol ICMPV6 = new IpProtocol(58, "icmpv6");
    /** 59: {@code no_next_header}. */
    public static final IpProtocol NO_NEXT_HEADER = new IpProtocol(59, "no_next_header");
    /** 60: {@code destination_options}. */
    public static final IpProtocol DESTINATION_OPTIONS = new IpProtocol(60, "destination_options");
    /** 135: {@code mobility}. */
    public static final IpProtocol MOBILITY = new IpProtocol(135, "mobility");
    /** 139: {@code hip}. */
    public static final IpProtocol HIP = new IpProtocol(139, "hip");
    /** 140: {@code shim6}. */
    public static final IpProtocol SHIM6 = new IpProtocol(140, "shim6");
    /** 253: {@code experiment_253}. */
    public static final IpProtocol EXPERIMENT_253 = new IpProtocol(253, "experiment_253");
    /** 254: {@code experiment_254}. */
    public static final IpProtocol EXPERIMENT_254 = new IpProtocol(254, "experiment_254");

    private static final NumberTable<IpProtocol> TABLE = new NumberTable<>(IpProtocol::new, 0, "hop_by_hop", 6, "tcp", 17, "udp", 41, "ipv6", 43, "routing", 44, "fragment", 50, "esp", 51, "ah", 58, "icmpv6", 59, "no_next_header", 60, "destination_options", 135, "mobility", 139, "hip", 140, "shim6", 253, "experiment_253", 254, "experiment_254");

    /**
     * Looks a code up.
     *
     * @param code 0 to 255 (higher bits are ignored)
     * @return the named value, or an {@code unassigned_N} value
     */
    public static IpProtocol valueOf(int code) {
        return TABLE.get(code);
    }

    /** @return true when this code has a name in this table */
    public boolean isAssigned() {
        return !name.startsWith("unassigned_");
    }
}
