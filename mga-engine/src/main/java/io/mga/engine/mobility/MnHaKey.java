package io.mga.engine.mobility;

import io.mga.api.Bytes;

/**
 * An RFC 4285 mobility security association as the sender and the verifier need it: the SPI and the shared key.
 *
 * @param spi the Mobility SPI
 * @param key the MN-HA shared key
 */
public record MnHaKey(long spi, Bytes key) {
    /**
     * Checks the fields.
     *
     * @param spi 0 to 2<sup>32</sup>-1
     * @param key not null
     */
    public MnHaKey {
        if (spi < 0 || spi > 0xffff_ffffL) {
            throw new IllegalArgumentException("an SPI is 32 bits, got " + spi);
        }
        java.util.Objects.requireNonNull(key, "key");
    }
}
