package io.mga.wire.mga;

import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;

/**
 * The Mobile IPv6 Home-Agents subnet anycast address (RFC 2526 §3, anycast ID 126 = 0x7e; RFC 6275 §10.5.1):
 * where Dynamic Home Agent Address Discovery requests go. For a prefix with 64-bit interface identifiers the
 * interface identifier is {@code fdff:ffff:ffff:fffe} (the universal/local bit 0, the rest ones, the last seven
 * bits the anycast ID).
 */
public final class HomeAgentsAnycast {
    /** The interface identifier of the Home-Agents anycast address of a /64 prefix. */
    public static final long INTERFACE_ID = 0xfdff_ffff_ffff_fffeL;

    private HomeAgentsAnycast() {
    }

    /**
     * The Home-Agents anycast address of a /64 prefix.
     *
     * @param prefix a prefix of length 64
     * @return prefix | fdff:ffff:ffff:fffe
     * @throws IllegalArgumentException if the prefix is not a /64 (RFC 2526 §2 defines other lengths only for
     *     non-EUI-64 formats, which mga does not serve)
     */
    public static Ipv6Address of(Ipv6Prefix prefix) {
        if (prefix.length() != 64) {
            throw new IllegalArgumentException("the Home-Agents anycast address is defined here for /64 prefixes, got "
                    + prefix);
        }
        return new Ipv6Address(prefix.address().high(), INTERFACE_ID);
    }

    /**
     * Tells whether an address's low half is the Home-Agents anycast interface identifier.
     *
     * @param low the low 64 bits of an address
     * @return true when it is
     */
    public static boolean isInterfaceId(long low) {
        return low == INTERFACE_ID;
    }
}
