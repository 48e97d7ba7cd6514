package io.mga.wire;

import io.mga.api.Bytes;

/**
 * A UDP datagram, protocol 17 (RFC 768; over IPv6 the checksum is mandatory, RFC 8200 §8.1). The Length field
 * is derived when encoding.
 *
 * @param sourcePort 0 to 65535
 * @param destinationPort 0 to 65535
 * @param checksum as on the wire; {@link Ipv6Packet#withChecksums()} computes it (a computed 0 is sent as 0xffff)
 * @param payload the data, at most 65527 octets
 */
public record Udp(int sourcePort, int destinationPort, int checksum, Bytes payload) implements UpperLayer {
    /**
     * Validates the fields.
     *
     * @param sourcePort 0 to 65535
     * @param destinationPort 0 to 65535
     * @param checksum as on the wire; {@link Ipv6Packet#withChecksums()} computes it (a computed 0 is sent as 0xffff)
     * @param payload the data, at most 65527 octets
     * @throws IllegalArgumentException if a field is out of range
     */
    public Udp {
        Check.u16("sourcePort", sourcePort);
        Check.u16("destinationPort", destinationPort);
        Check.u16("checksum", checksum);
        Check.nn("payload", payload);
        Check.maxLen("payload", payload, 65535 - 8);
    }

    /**
     * A datagram whose checksum {@link Ipv6Packet#withChecksums()} will fill.
     *
     * @param sourcePort source port
     * @param destinationPort destination port
     * @param payload the data
     */
    public Udp(int sourcePort, int destinationPort, Bytes payload) {
        this(sourcePort, destinationPort, 0, payload);
    }

    @Override
    public int protocol() {
        return 17;
    }

    @Override
    public int wireLength() {
        return 8 + payload.length();
    }
}
