package io.mga.wire;

/**
 * Mobility Header types (RFC 6275 §6.1.2–§6.1.9).
 *
 * <p>An open set: {@link #valueOf(int)} never throws and names codes it does not know {@code unassigned_N}.
 *
 * @param code the number on the wire, 0 to 255
 * @param name the stable snake_case name
 */
public record MhType(int code, String name) {
    /** 0: {@code binding_refresh_request}. */
    public static final MhType BINDING_REFRESH_REQUEST = new MhType(0, "binding_refresh_request");
    /** 1: {@code home_test_init}. */
    public static final MhType HOME_TEST_INIT = new MhType(1, "home_test_init");
    /** 2: {@code care_of_test_init}. */
    public static final MhType CARE_OF_TEST_INIT = new MhType(2, "care_of_test_init");
    /** 3: {@code home_test}. */
    public static final MhType HOME_TEST = new MhType(3, "home_test");
    /** 4: {@code care_of_test}. */
    public static final MhType CARE_OF_TEST = new MhType(4, "care_of_test");
    /** 5: {@code binding_update}. */
    public static final MhType BINDING_UPDATE = new MhType(5, "binding_update");
    /** 6: {@code binding_acknowledgement}. */
    public static final MhType BINDING_ACKNOWLEDGEMENT = new MhType(6, "binding_acknowledgement");
    /** 7: {@code binding_error}. */
    public static final MhType BINDING_ERROR = new MhType(7, "binding_error");

    private static final NumberTable<MhType> TABLE = new NumberTable<>(MhType::new, 0, "binding_refresh_request", 1, "home_test_init", 2, "care_of_test_init", 3, "home_test", 4, "care_of_test", 5, "binding_update", 6, "binding_acknowledgement", 7, "binding_error");

    /**
     * Looks a code up.
     *
     * @param code 0 to 255 (higher bits are ignored)
     * @return the named value, or an {@code unassigned_N} value
     */
    public static MhType valueOf(int code) {
        return TABLE.get(code);
    }

    /** @return true when this code has a name in this table */
    public boolean isAssigned() {
        return !name.startsWith("unassigned_");
    }
}
