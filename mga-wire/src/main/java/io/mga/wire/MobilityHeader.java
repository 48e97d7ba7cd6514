package io.mga.wire;

/**
 * The Mobility Header, protocol 135 (RFC 6275 §6.1.1). Header Len is derived from the message when encoding.
 *
 * @param payloadProto Payload Proto; senders set 59, receivers reject other values (RFC 6275 §9.2)
 * @param reserved the Reserved octet (offset 3)
 * @param checksum the checksum as on the wire; {@link Ipv6Packet#withChecksums()} computes it
 * @param message the type-specific message
 */
public record MobilityHeader(int payloadProto, int reserved, int checksum, MobilityMessage message)
        implements UpperLayer {

    /**
     * Validates the fields.
     *
     * @param payloadProto Payload Proto; senders set 59, receivers reject other values (RFC 6275 §9.2)
     * @param reserved the Reserved octet (offset 3)
     * @param checksum the checksum as on the wire; {@link Ipv6Packet#withChecksums()} computes it
     * @param message the type-specific message
     * @throws IllegalArgumentException if a field is out of range
     */
    public MobilityHeader {
        Check.u8("payloadProto", payloadProto);
        Check.u8("reserved", reserved);
        Check.u16("checksum", checksum);
        Check.nn("message", message);
    }

    /**
     * A Mobility Header as senders build it: Payload Proto 59, Reserved 0, checksum 0 until
     * {@link Ipv6Packet#withChecksums()} fills it.
     *
     * @param message the message
     */
    public MobilityHeader(MobilityMessage message) {
        this(59, 0, 0, message);
    }

    /** @return Header Len: the length in 8-octet units, excluding the first 8 octets */
    public int headerLen() {
        return message.wireLength() / 8 - 1;
    }

    /**
     * A copy with another checksum.
     *
     * @param value the checksum to carry, 0 to 65535
     * @return the copy
     */
    public MobilityHeader withChecksum(int value) {
        return new MobilityHeader(payloadProto, reserved, value, message);
    }

    @Override
    public int protocol() {
        return 135;
    }

    @Override
    public int wireLength() {
        return message.wireLength();
    }
}
