package io.mga.wire;

/**
 * Neighbor Discovery option types (RFC 4861 §4.6).
 *
 * <p>An open set: {@link #valueOf(int)} never throws and names codes it does not know {@code unassigned_N}.
 *
 * @param code the number on the wire, 0 to 255
 * @param name the stable snake_case name
 */
public record NdOptionType(int code, String name) {
    /** 1: {@code source_link_layer_address}. */
    public static final NdOptionType SOURCE_LINK_LAYER_ADDRESS = new NdOptionType(1, "source_link_layer_address");
    /** 2: {@code target_link_layer_address}. */
    public static final NdOptionType TARGET_LINK_LAYER_ADDRESS = new NdOptionType(2, "target_link_layer_address");
    /** 3: {@code prefix_information}. */
    public static final NdOptionType PREFIX_INFORMATION = new NdOptionType(3, "prefix_information");

    private static final NumberTable<NdOptionType> TABLE = new NumberTable<>(NdOptionType::new, 1, "source_link_layer_address", 2, "target_link_layer_address", 3, "prefix_information");

    /**
     * Looks a code up.
     *
     * @param code 0 to 255 (higher bits are ignored)
     * @return the named value, or an {@code unassigned_N} value
     */
    public static NdOptionType valueOf(int code) {
        return TABLE.get(code);
    }

    /** @return true when this code has a name in this table */
    public boolean isAssigned() {
        return !name.startsWith("unassigned_");
    }
}
