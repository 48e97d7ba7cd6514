package io.mga.api.store;

import io.mga.api.Ipv6Address;
import java.util.Objects;

/**
 * What names one binding in a store: its anycast address and Binding ID (RFC 5648; 0 in the Basic Model).
 *
 * @param anycast the anycast address
 * @param bindingId the Binding ID, 0 to 65535
 */
public record BindingKey(Ipv6Address anycast, int bindingId) {
    /**
     * Validates.
     *
     * @param anycast not null
     * @param bindingId 16 bits
     * @throws IllegalArgumentException if the Binding ID is out of range
     */
    public BindingKey {
        Objects.requireNonNull(anycast, "anycast");
        if (bindingId >>> 16 != 0) {
            throw new IllegalArgumentException("a Binding ID is a 16-bit value: " + bindingId);
        }
    }
}
