package io.mga.api;

/**
 * One registered Anycast Responder as an agent's binding cache holds it: the anycast address it serves, the
 * peer unicast (care-of) address packets are tunnelled to, and what it advertised. Immutable.
 *
 * @param anycast the anycast address (the "home address" of the registration)
 * @param bindingId the RFC 5648 Binding ID, 1 to 65535 (0 in the Basic Model)
 * @param careOf the responder's peer unicast address
 * @param responder the authenticated identity of the responder (its NAI)
 * @param weight advertised weight, 0 to 65535 (1 when not advertised)
 * @param load advertised load, 0 to 65535 (0 when not advertised; lower is less loaded)
 * @param expiresAtNanos when the binding lapses unless refreshed, in the agent's clock
 */
public record AnycastBinding(Ipv6Address anycast, int bindingId, Ipv6Address careOf, String responder, int weight,
        int load, long expiresAtNanos) {

    /**
     * Validates the fields.
     *
     * @param anycast the anycast address
     * @param bindingId the Binding ID
     * @param careOf the peer unicast address
     * @param responder the responder's identity
     * @param weight the weight
     * @param load the load
     * @param expiresAtNanos the expiry
     * @throws IllegalArgumentException if a number is out of range
     */
    public AnycastBinding {
        java.util.Objects.requireNonNull(anycast, "anycast");
        java.util.Objects.requireNonNull(careOf, "careOf");
        java.util.Objects.requireNonNull(responder, "responder");
        if (bindingId < 0 || bindingId > 0xffff || weight < 0 || weight > 0xffff || load < 0 || load > 0xffff) {
            throw new IllegalArgumentException("binding id, weight and load are 16-bit values");
        }
    }
}
