package io.mga.api;

import java.util.List;

/**
 * What an agent knows of one responder it accepts registrations from: the RFC 4285 MN-HA security association
 * (SPI and key) and which anycast addresses the responder may serve (the authorisation list).
 *
 * @param identity the responder's identity (its NAI, e.g. {@code ar1@example.net}); reported in bindings
 * @param spi the Mobility SPI, 256 or more (0–255 are reserved, RFC 4285 §8)
 * @param key the MN-HA shared key, 16 octets or more (RFC 4285 §5.1.1)
 * @param mayServe the anycast addresses (as prefixes) this responder may register for
 */
public record ResponderCredentials(String identity, long spi, Bytes key, List<Ipv6Prefix> mayServe) {
    /**
     * Validates the association.
     *
     * @param identity the identity
     * @param spi the SPI
     * @param key the key
     * @param mayServe the authorised anycast prefixes
     * @throws IllegalArgumentException if the SPI is reserved or the key shorter than 16 octets
     */
    public ResponderCredentials {
        java.util.Objects.requireNonNull(identity, "identity");
        if (spi < 256 || spi > 0xffff_ffffL) {
            throw new IllegalArgumentException("SPI must be 256..2^32-1 (0-255 are reserved by RFC 4285 §8)");
        }
        if (key == null || key.length() < 16) {
            throw new IllegalArgumentException("an MN-HA key has at least 16 octets (RFC 4285 §5.1.1)");
        }
        mayServe = List.copyOf(mayServe);
    }

    /**
     * @param anycast an anycast address
     * @return true when this responder may register for it
     */
    public boolean mayServe(Ipv6Address anycast) {
        for (Ipv6Prefix p : mayServe) {
            if (p.contains(anycast)) {
                return true;
            }
        }
        return false;
    }
}
