package io.mga.api.store;

import io.mga.api.Ipv6Address;
import java.util.Objects;

/**
 * One binding as a store holds it, in wall-clock time so that every agent reading it tells the same time left.
 *
 * @param key its anycast address and Binding ID
 * @param careOf the responder's care-of (peer unicast) address
 * @param responder the authenticated identity that registered it (its NAI)
 * @param weight advertised weight, 0 to 65535
 * @param load advertised load, 0 to 65535
 * @param sequence the sequence number of the Binding Update that made it, 0 to 65535
 * @param lifetimeNanos the lifetime granted, positive (a store that expires entries itself, etcd with a lease,
 *     uses it as the time to live)
 * @param expiresAtUnixNanos when it lapses unless refreshed, Unix nanoseconds
 */
public record StoredBinding(BindingKey key, Ipv6Address careOf, String responder, int weight, int load,
        int sequence, long lifetimeNanos, long expiresAtUnixNanos) {
    /**
     * Validates.
     *
     * @param key not null
     * @param careOf not null
     * @param responder not null
     * @param weight 16 bits
     * @param load 16 bits
     * @param sequence 16 bits
     * @param lifetimeNanos positive
     * @param expiresAtUnixNanos any
     * @throws IllegalArgumentException if a number is out of range
     */
    public StoredBinding {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(careOf, "careOf");
        Objects.requireNonNull(responder, "responder");
        if ((weight | load | sequence) >>> 16 != 0) {
            throw new IllegalArgumentException("weight, load and sequence are 16-bit values");
        }
        if (lifetimeNanos <= 0) {
            throw new IllegalArgumentException("lifetime must be positive: " + lifetimeNanos);
        }
    }
}
