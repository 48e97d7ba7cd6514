package io.mga.wire;

/**
 * An IPv6 packet tunnelled in another, protocol 41 (RFC 2473), as MIPv6 home agents and MGA agents use.
 *
 * @param inner the encapsulated packet
 */
public record Tunnel(Ipv6Packet inner) implements UpperLayer {
    /**
     * Validates the fields.
     *
     * @param inner the encapsulated packet
     * @throws NullPointerException if {@code inner} is null
     */
    public Tunnel {
        Check.nn("inner", inner);
    }

    @Override
    public int protocol() {
        return 41;
    }

    @Override
    public int wireLength() {
        return inner.wireLength();
    }
}
