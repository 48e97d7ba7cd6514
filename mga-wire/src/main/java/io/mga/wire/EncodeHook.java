package io.mga.wire;

/**
 * Lets tests emit wrong lengths and checksums on purpose: the encoder passes every derived field through
 * {@link #adjust} before writing it. The default hook, {@link #NONE}, changes nothing. Package-private, as is
 * {@link PacketEncoder#withHook(EncodeHook)}: only the tests of this package use it (EncodeHookTest), and it is
 * not part of the API.
 */
@FunctionalInterface
interface EncodeHook {

    /** The derived fields the encoder writes. */
    enum Field {
        /** IPv6 Payload Length. */
        PAYLOAD_LENGTH,
        /** Hdr Ext Len of a Hop-by-Hop, Destination Options or Routing header. */
        HDR_EXT_LEN,
        /** Opt Data Len of a Hop-by-Hop or Destination option. */
        IPV6_OPTION_LENGTH,
        /** MH Header Len. */
        MH_HEADER_LEN,
        /** Length of a mobility option. */
        MOBILITY_OPTION_LENGTH,
        /** Mobility Header checksum. */
        MH_CHECKSUM,
        /** ICMPv6 checksum. */
        ICMPV6_CHECKSUM,
        /** Length of an ND option (8-octet units). */
        ND_OPTION_LENGTH,
        /** UDP Length. */
        UDP_LENGTH,
        /** UDP checksum. */
        UDP_CHECKSUM
    }

    /** The hook that writes every field as computed. */
    EncodeHook NONE = (field, depth, value) -> value;

    /**
     * Chooses the value to write.
     *
     * @param field which field
     * @param depth 1 in the outermost packet, 2 in a tunnelled one, ...
     * @param value the correct value (for checksums: the one the record carries)
     * @return the value to write; it is truncated to the field's width
     */
    int adjust(Field field, int depth, int value);
}
