package io.mga.wire.link;

import java.util.Optional;

/** The pcap link types (LINKTYPE_ values of tcpdump.org) that mga reads IPv6 from. */
public enum LinkType {
    /** LINKTYPE_NULL (0): BSD loopback, a 4-octet address family in the capturing host's byte order. */
    NULL(0, "null"),
    /** LINKTYPE_ETHERNET (1). */
    ETHERNET(1, "ethernet"),
    /** LINKTYPE_RAW (101): raw IPv4 or IPv6, told apart by the version nibble. */
    RAW(101, "raw"),
    /** LINKTYPE_LOOP (108): OpenBSD loopback, the address family in network byte order. */
    LOOP(108, "null"),
    /** LINKTYPE_LINUX_SLL (113): Linux cooked capture v1, 16-octet header. */
    LINUX_SLL(113, "linux_sll"),
    /** LINKTYPE_IPV6 (229): raw IPv6. */
    IPV6(229, "raw"),
    /** LINKTYPE_LINUX_SLL2 (276): Linux cooked capture v2, 20-octet header. */
    LINUX_SLL2(276, "linux_sll2");

    private final int code;
    private final String label;

    LinkType(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** @return the LINKTYPE_ number */
    public int code() {
        return code;
    }

    /** @return the short name {@code mga decode} prints: ethernet, linux_sll, linux_sll2, raw or null */
    public String label() {
        return label;
    }

    /**
     * Looks a link type up by the DLT_ value a live or offline libpcap handle reports. libpcap turns a file's
     * LINKTYPE_RAW (101) into the platform's DLT_RAW (12, or 14 on OpenBSD); the other types mga reads have the
     * same number in both tables.
     *
     * @param dlt the DLT_ number from {@code pcap_datalink()}
     * @return the link type, or empty when mga does not read it
     */
    public static Optional<LinkType> ofDlt(int dlt) {
        return dlt == 12 || dlt == 14 ? Optional.of(RAW) : of(dlt);
    }

    /**
     * Looks a link type up by its number.
     *
     * @param code the LINKTYPE_ number from a capture file
     * @return the link type, or empty when mga does not read it
     */
    public static Optional<LinkType> of(int code) {
        for (LinkType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
