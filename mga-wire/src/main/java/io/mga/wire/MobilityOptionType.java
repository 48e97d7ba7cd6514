package io.mga.wire;

/**
 * Mobility option types (RFC 6275 §6.2, RFC 4283, RFC 4285, RFC 5094, RFC 5648).
 *
 * <p>An open set: {@link #valueOf(int)} never throws and names codes it does not know {@code unassigned_N}.
 *
 * @param code the number on the wire, 0 to 255
 * @param name the stable snake_case name
 */
public record MobilityOptionType(int code, String name) {
    /** 0: {@code pad1}. */
    public static final MobilityOptionType PAD1 = new MobilityOptionType(0, "pad1");
    /** 1: {@code padn}. */
    public static final MobilityOptionType PADN = new MobilityOptionType(1, "padn");
    /** 2: {@code binding_refresh_advice}. */
    public static final MobilityOptionType BINDING_REFRESH_ADVICE = new MobilityOptionType(2, "binding_refresh_advice");
    /** 3: {@code alternate_care_of_address}. */
    public static final MobilityOptionType ALTERNATE_CARE_OF_ADDRESS = new MobilityOptionType(3, "alternate_care_of_address");
    /** 4: {@code nonce_indices}. */
    public static final MobilityOptionType NONCE_INDICES = new MobilityOptionType(4, "nonce_indices");
    /** 5: {@code binding_authorization_data}. */
    public static final MobilityOptionType BINDING_AUTHORIZATION_DATA = new MobilityOptionType(5, "binding_authorization_data");
    /** 8: {@code mobile_node_identifier}. */
    public static final MobilityOptionType MOBILE_NODE_IDENTIFIER = new MobilityOptionType(8, "mobile_node_identifier");
    /** 9: {@code authentication}. */
    public static final MobilityOptionType AUTHENTICATION = new MobilityOptionType(9, "authentication");
    /** 10: {@code replay_protection}. */
    public static final MobilityOptionType REPLAY_PROTECTION = new MobilityOptionType(10, "replay_protection");
    /** 19: {@code vendor_specific}. */
    public static final MobilityOptionType VENDOR_SPECIFIC = new MobilityOptionType(19, "vendor_specific");
    /** 35: {@code binding_identifier}. */
    public static final MobilityOptionType BINDING_IDENTIFIER = new MobilityOptionType(35, "binding_identifier");

    private static final NumberTable<MobilityOptionType> TABLE = new NumberTable<>(MobilityOptionType::new, 0, "pad1", 1, "padn", 2, "binding_refresh_advice", 3, "alternate_care_of_address", 4, "nonce_indices", 5, "binding_authorization_data", 8, "mobile_node_identifier", 9, "authentication", 10, "replay_protection", 19, "vendor_specific", 35, "binding_identifier");

    /**
     * Looks a code up.
     *
     * @param code 0 to 255 (higher bits are ignored)
     * @return the named value, or an {@code unassigned_N} value
     */
    public static MobilityOptionType valueOf(int code) {
        return TABLE.get(code);
    }

    /** @return true when this code has a name in this table */
    public boolean isAssigned() {
        return !name.startsWith("unassigned_");
    }
}
