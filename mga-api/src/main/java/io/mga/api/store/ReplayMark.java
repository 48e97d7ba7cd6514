package io.mga.api.store;

/**
 * A replay-protection timestamp a Binding Update carried (RFC 4285 §6): a store commits a change that carries one
 * only if it is newer (unsigned) than the last it committed under the same SPI, and then remembers it, in the same
 * atomic step. So a BU that one agent accepted is refused by every agent that shares the store.
 *
 * @param spi the Mobility SPI the BU authenticated with, 0 to 2^32-1
 * @param timestamp its 64-bit NTP-format timestamp (compared unsigned)
 */
public record ReplayMark(long spi, long timestamp) {
    /**
     * Validates.
     *
     * @param spi 32 bits
     * @param timestamp any
     * @throws IllegalArgumentException if the SPI is out of range
     */
    public ReplayMark {
        if (spi >>> 32 != 0) {
            throw new IllegalArgumentException("an SPI is a 32-bit value: " + spi);
        }
    }
}
