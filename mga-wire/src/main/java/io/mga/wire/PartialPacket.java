package io.mga.wire;

import java.util.List;
import java.util.Optional;

/**
 * What {@link PacketDecoder#decodePartial} could decode of some octets: every layer before the first error, the
 * raw Payload Length and Next Header values as read, and the error if there was one. Layers not reached are
 * {@code null}.
 *
 * @param header the fixed header, or null if fewer than 40 octets or a wrong version
 * @param payloadLength the Payload Length as read, or -1
 * @param nextHeader the Next Header of the fixed header as read, or -1
 * @param extensions the extension headers decoded before the error
 * @param upper the upper layer, or null if not reached or not decodable
 * @param inner for a tunnel whose inner packet failed: what could be decoded of it; else null
 * @param error the first error, or null when the whole packet decoded
 */
public record PartialPacket(Ipv6Header header, int payloadLength, int nextHeader, List<ExtensionHeader> extensions,
        UpperLayer upper, PartialPacket inner, MalformedPacketException error) {

    /**
     * Copies the extension list.
     *
     * @param header the fixed header, or null
     * @param payloadLength the Payload Length as read, or -1
     * @param nextHeader the Next Header as read, or -1
     * @param extensions the extension headers decoded before the error
     * @param upper the upper layer, or null
     * @param inner what could be decoded of a tunnelled packet that failed, or null
     * @param error the first error, or null
     */
    public PartialPacket {
        extensions = List.copyOf(extensions);
    }

    /**
     * The view of a packet that decoded whole (what {@link PacketDecoder#decodePartial} returns for it).
     *
     * @param p the packet
     * @return the partial packet, with no error
     */
    public static PartialPacket of(Ipv6Packet p) {
        return new PartialPacket(p.header(), p.payloadLength(), p.nextHeader(), p.extensions(), p.upper(), null, null);
    }

    /** @return true when the packet decoded without error */
    public boolean isComplete() {
        return error == null;
    }

    /** @return the whole packet when it decoded without error */
    public Optional<Ipv6Packet> packet() {
        return isComplete() ? Optional.of(new Ipv6Packet(header, extensions, upper)) : Optional.empty();
    }
}
