package io.mga.wire;

/**
 * Options of the Hop-by-Hop and Destination Options headers (RFC 8200 §4.2, RFC 2473 §4.1.1, RFC 6275 §6.3).
 *
 * <p>An open set: {@link #valueOf(int)} never throws and names codes it does not know {@code unassigned_N}.
 *
 * @param code the number on the wire, 0 to 255
 * @param name the stable snake_case name
 */
public record Ipv6OptionType(int code, String name) {
    /** 0: {@code pad1}. */
    public static final Ipv6OptionType PAD1 = new Ipv6OptionType(0, "pad1");
    /** 1: {@code padn}. */
    public static final Ipv6OptionType PADN = new Ipv6OptionType(1, "padn");
    /** 4: {@code tunnel_encapsulation_limit}. */
    public static final Ipv6OptionType TUNNEL_ENCAPSULATION_LIMIT = new Ipv6OptionType(4, "tunnel_encapsulation_limit");
    /** 201: {@code home_address}. */
    public static final Ipv6OptionType HOME_ADDRESS = new Ipv6OptionType(201, "home_address");

    private static final NumberTable<Ipv6OptionType> TABLE = new NumberTable<>(Ipv6OptionType::new, 0, "pad1", 1, "padn", 4, "tunnel_encapsulation_limit", 201, "home_address");

    /**
     * Looks a code up.
     *
     * @param code 0 to 255 (higher bits are ignored)
     * @return the named value, or an {@code unassigned_N} value
     */
    public static Ipv6OptionType valueOf(int code) {
        return TABLE.get(code);
    }

    /** @return true when this code has a name in this table */
    public boolean isAssigned() {
        return !name.startsWith("unassigned_");
    }
}
