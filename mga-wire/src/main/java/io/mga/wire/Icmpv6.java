package io.mga.wire;

/**
 * An ICMPv6 message as the upper layer of a packet, protocol 58.
 *
 * @param checksum the checksum as on the wire; {@link Ipv6Packet#withChecksums()} computes it
 * @param message the message
 */
public record Icmpv6(int checksum, Icmpv6Message message) implements UpperLayer {
    /**
     * Validates the fields.
     *
     * @param checksum the checksum as on the wire; {@link Ipv6Packet#withChecksums()} computes it
     * @param message the message
     * @throws IllegalArgumentException if the checksum is out of range
     */
    public Icmpv6 {
        Check.u16("checksum", checksum);
        Check.nn("message", message);
    }

    /**
     * An ICMPv6 layer whose checksum {@link Ipv6Packet#withChecksums()} will fill.
     *
     * @param message the message
     */
    public Icmpv6(Icmpv6Message message) {
        this(0, message);
    }

    @Override
    public int protocol() {
        return 58;
    }

    @Override
    public int wireLength() {
        return message.wireLength();
    }
}
