package io.mga.wire;

/**
 * Binding Acknowledgement status codes: below 128 accepted, 128 and above rejected (RFC 6275 §6.1.8, RFC 4285 §8, RFC 5648 §11).
 *
 * <p>An open set: {@link #valueOf(int)} never throws and names codes it does not know {@code unassigned_N}.
 *
 * @param code the number on the wire, 0 to 255
 * @param name the stable snake_case name
 */
public record BaStatus(int code, String name) {
    /** 0: {@code accepted}. */
    public static final BaStatus ACCEPTED = new BaStatus(0, "accepted");
    /** 1: {@code accepted_prefix_discovery_necessary}. */
    public static final BaStatus ACCEPTED_PREFIX_DISCOVERY_NECESSARY = new BaStatus(1, "accepted_prefix_discovery_necessary");
    /** 4: {@code mcoa_notcomplete}. */
    public static final BaStatus MCOA_NOTCOMPLETE = new BaStatus(4, "mcoa_notcomplete");
    /** 5: {@code mcoa_returnhome_wo_ndp}. */
    public static final BaStatus MCOA_RETURNHOME_WO_NDP = new BaStatus(5, "mcoa_returnhome_wo_ndp");
    /** 128: {@code reason_unspecified}. */
    public static final BaStatus REASON_UNSPECIFIED = new BaStatus(128, "reason_unspecified");
    /** 129: {@code administratively_prohibited}. */
    public static final BaStatus ADMINISTRATIVELY_PROHIBITED = new BaStatus(129, "administratively_prohibited");
    /** 130: {@code insufficient_resources}. */
    public static final BaStatus INSUFFICIENT_RESOURCES = new BaStatus(130, "insufficient_resources");
    /** 131: {@code home_registration_not_supported}. */
    public static final BaStatus HOME_REGISTRATION_NOT_SUPPORTED = new BaStatus(131, "home_registration_not_supported");
    /** 132: {@code not_home_subnet}. */
    public static final BaStatus NOT_HOME_SUBNET = new BaStatus(132, "not_home_subnet");
    /** 133: {@code not_home_agent_for_this_mn}. */
    public static final BaStatus NOT_HOME_AGENT_FOR_THIS_MN = new BaStatus(133, "not_home_agent_for_this_mn");
    /** 134: {@code duplicate_address_detection_failed}. */
    public static final BaStatus DUPLICATE_ADDRESS_DETECTION_FAILED = new BaStatus(134, "duplicate_address_detection_failed");
    /** 135: {@code sequence_number_out_of_window}. */
    public static final BaStatus SEQUENCE_NUMBER_OUT_OF_WINDOW = new BaStatus(135, "sequence_number_out_of_window");
    /** 136: {@code expired_home_nonce_index}. */
    public static final BaStatus EXPIRED_HOME_NONCE_INDEX = new BaStatus(136, "expired_home_nonce_index");
    /** 137: {@code expired_care_of_nonce_index}. */
    public static final BaStatus EXPIRED_CARE_OF_NONCE_INDEX = new BaStatus(137, "expired_care_of_nonce_index");
    /** 138: {@code expired_nonces}. */
    public static final BaStatus EXPIRED_NONCES = new BaStatus(138, "expired_nonces");
    /** 139: {@code registration_type_change_disallowed}. */
    public static final BaStatus REGISTRATION_TYPE_CHANGE_DISALLOWED = new BaStatus(139, "registration_type_change_disallowed");
    /** 144: {@code mipv6_id_mismatch}. */
    public static final BaStatus MIPV6_ID_MISMATCH = new BaStatus(144, "mipv6_id_mismatch");
    /** 145: {@code mipv6_mesg_id_reqd}. */
    public static final BaStatus MIPV6_MESG_ID_REQD = new BaStatus(145, "mipv6_mesg_id_reqd");
    /** 146: {@code mipv6_auth_fail}. */
    public static final BaStatus MIPV6_AUTH_FAIL = new BaStatus(146, "mipv6_auth_fail");
    /** 164: {@code mcoa_malformed}. */
    public static final BaStatus MCOA_MALFORMED = new BaStatus(164, "mcoa_malformed");
    /** 165: {@code mcoa_non_mcoa_binding_exists}. */
    public static final BaStatus MCOA_NON_MCOA_BINDING_EXISTS = new BaStatus(165, "mcoa_non_mcoa_binding_exists");
    /** 166: {@code mcoa_prohibited}. */
    public static final BaStatus MCOA_PROHIBITED = new BaStatus(166, "mcoa_prohibited");
    /** 167: {@code mcoa_unknown_coa}. */
    public static final BaStatus MCOA_UNKNOWN_COA = new BaStatus(167, "mcoa_unknown_coa");
    /** 168: {@code mcoa_bulk_registration_prohibited}. */
    public static final BaStatus MCOA_BULK_REGISTRATION_PROHIBITED = new BaStatus(168, "mcoa_bulk_registration_prohibited");
    /** 169: {@code mcoa_simultaneous_home_and_foreign_prohibited}. */
    public static final BaStatus MCOA_SIMULTANEOUS_HOME_AND_FOREIGN_PROHIBITED = new BaStatus(169, "mcoa_simultaneous_home_and_foreign_prohibited");
    /** 174: {@code invalid_care_of_address}. */
    public static final BaStatus INVALID_CARE_OF_ADDRESS = new BaStatus(174, "invalid_care_of_address");

    private static final NumberTable<BaStatus> TABLE = new NumberTable<>(BaStatus::new, 0, "accepted", 1, "accepted_prefix_discovery_necessary", 4, "mcoa_notcomplete", 5, "mcoa_returnhome_wo_ndp", 128, "reason_unspecified", 129, "administratively_prohibited", 130, "insufficient_resources", 131, "home_registration_not_supported", 132, "not_home_subnet", 133, "not_home_agent_for_this_mn", 134, "duplicate_address_detection_failed", 135, "sequence_number_out_of_window", 136, "expired_home_nonce_index", 137, "expired_care_of_nonce_index", 138, "expired_nonces", 139, "registration_type_change_disallowed", 144, "mipv6_id_mismatch", 145, "mipv6_mesg_id_reqd", 146, "mipv6_auth_fail", 164, "mcoa_malformed", 165, "mcoa_non_mcoa_binding_exists", 166, "mcoa_prohibited", 167, "mcoa_unknown_coa", 168, "mcoa_bulk_registration_prohibited", 169, "mcoa_simultaneous_home_and_foreign_prohibited", 174, "invalid_care_of_address");

    /**
     * Looks a code up.
     *
     * @param code 0 to 255 (higher bits are ignored)
     * @return the named value, or an {@code unassigned_N} value
     */
    public static BaStatus valueOf(int code) {
        return TABLE.get(code);
    }

    /** @return true when this code has a name in this table */
    public boolean isAssigned() {
        return !name.startsWith("unassigned_");
    }
}
