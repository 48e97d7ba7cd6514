package io.mga.wire;

/**
 * Binding Error status codes (RFC 6275 §6.1.9).
 *
 * <p>An open set: {@link #valueOf(int)} never throws and names codes it does not know {@code unassigned_N}.
 *
 * @param code the number on the wire, 0 to 255
 * @param name the stable snake_case name
 */
public record BeStatus(int code, String name) {
    /** 1: {@code unknown_binding_for_home_address_destination_option}. */
    public static final BeStatus UNKNOWN_BINDING_FOR_HOME_ADDRESS_DESTINATION_OPTION = new BeStatus(1, "unknown_binding_for_home_address_destination_option");
    /** 2: {@code unrecognized_mh_type}. */
    public static final BeStatus UNRECOGNIZED_MH_TYPE = new BeStatus(2, "unrecognized_mh_type");

    private static final NumberTable<BeStatus> TABLE = new NumberTable<>(BeStatus::new, 1, "unknown_binding_for_home_address_destination_option", 2, "unrecognized_mh_type");

    /**
     * Looks a code up.
     *
     * @param code 0 to 255 (higher bits are ignored)
     * @return the named value, or an {@code unassigned_N} value
     */
    public static BeStatus valueOf(int code) {
        return TABLE.get(code);
    }

    /** @return true when this code has a name in this table */
    public boolean isAssigned() {
        return !name.startsWith("unassigned_");
    }
}
