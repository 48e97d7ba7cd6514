package io.mga.wire;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;

/**
 * The Internet checksum over the IPv6 pseudo-header (RFC 8200 §8.1) as Mobility Header, ICMPv6 and UDP use it,
 * with the Mobile IPv6 rules for which addresses go in (see {@link Ipv6Packet#pseudoSource()} and
 * {@link Ipv6Packet#pseudoDestination()}). The array methods do not allocate.
 */
public final class Checksums {
    private Checksums() {
    }

    /**
     * Computes an upper-layer checksum.
     *
     * @param source pseudo-header source
     * @param destination pseudo-header (final) destination
     * @param nextHeader the upper-layer protocol: 135, 58 or 17
     * @param upper the upper-layer octets, with its checksum field set to zero
     * @param offset index of the first upper-layer octet
     * @param length number of upper-layer octets
     * @return the checksum, 0 to 65535 (UDP senders replace 0 by 0xffff)
     */
    public static int compute(Ipv6Address source, Ipv6Address destination, int nextHeader, byte[] upper, int offset,
            int length) {
        long addresses = sum64(source.high()) + sum64(source.low()) + sum64(destination.high())
                + sum64(destination.low());
        return compute(addresses, nextHeader, upper, offset, length);
    }

    /** {@link #compute(Ipv6Address, Ipv6Address, int, byte[], int, int)} with the addresses already summed. */
    private static int compute(long addresses, int nextHeader, byte[] upper, int offset, int length) {
        long sum = addresses + length + nextHeader;
        sum += sum(upper, offset, length);
        return ~fold(sum) & 0xffff;
    }

    /**
     * The unfolded sum of the pseudo-header's two addresses, {@link Ipv6Packet#pseudoSource()} and
     * {@link Ipv6Packet#pseudoDestination()}, taken from the records' address halves without making addresses.
     */
    private static long pseudoAddressSum(Ipv6Packet packet) {
        Ipv6Header h = packet.header();
        Ipv6Option.HomeAddress hao = packet.homeAddressOrNull();
        long sum = hao != null ? sum64(hao.homeAddressHigh()) + sum64(hao.homeAddressLow())
                : sum64(h.sourceHigh()) + sum64(h.sourceLow());
        ExtensionHeader.Routing r = packet.finalRoutingOrNull();
        if (r == null) {
            sum += sum64(h.destinationHigh()) + sum64(h.destinationLow());
        } else if (r instanceof ExtensionHeader.Type2Routing t) {
            sum += sum64(t.homeAddressHigh()) + sum64(t.homeAddressLow());
        } else {
            // the last 16 octets of a type 0 header's data
            Bytes data = ((ExtensionHeader.OtherRouting) r).data();
            for (int i = data.length() - 16; i < data.length(); i += 2) {
                sum += data.get(i) << 8 | data.get(i + 1);
            }
        }
        return sum;
    }

    /**
     * Computes the checksum the upper layer of {@code packet} should carry, whatever it carries now.
     *
     * @param packet a packet whose upper layer is a Mobility Header, ICMPv6 or UDP
     * @return the checksum, with UDP's 0 sent as 0xffff
     * @throws IllegalArgumentException if the upper layer has no checksum
     */
    public static int compute(Ipv6Packet packet) {
        UpperLayer u = packet.upper();
        if (!(u instanceof MobilityHeader || u instanceof Icmpv6 || u instanceof Udp)) {
            throw new IllegalArgumentException("no checksum for protocol " + u.protocol());
        }
        byte[] b = new byte[u.wireLength()];
        PacketEncoder.DEFAULT.writeUpper(u, b, 0, true, 1);
        int c = compute(pseudoAddressSum(packet), u.protocol(), b, 0, b.length);
        return (u instanceof Udp && c == 0) ? 0xffff : c;
    }

    /**
     * Tells whether the checksum the upper layer carries is right. A UDP checksum of 0 is wrong over IPv6
     * (RFC 8200 §8.1).
     *
     * @param packet a packet whose upper layer is a Mobility Header, ICMPv6 or UDP
     * @return true when it matches {@link #compute(Ipv6Packet)}
     * @throws IllegalArgumentException if the upper layer has no checksum
     */
    public static boolean verify(Ipv6Packet packet) {
        return carried(packet.upper()) == compute(packet);
    }

    /**
     * The checksum an upper layer carries.
     *
     * @param upper a Mobility Header, ICMPv6 or UDP layer
     * @return the checksum value as on the wire
     * @throws IllegalArgumentException if the layer has no checksum
     */
    public static int carried(UpperLayer upper) {
        if (upper instanceof MobilityHeader m) {
            return m.checksum();
        } else if (upper instanceof Icmpv6 i) {
            return i.checksum();
        } else if (upper instanceof Udp d) {
            return d.checksum();
        }
        throw new IllegalArgumentException("no checksum for protocol " + upper.protocol());
    }

    /**
     * Adds 16-bit big-endian words (an odd last octet padded with zero) without folding.
     *
     * @param b the array
     * @param offset first octet
     * @param length number of octets
     * @return the unfolded sum
     */
    public static long sum(byte[] b, int offset, int length) {
        long sum = 0;
        int end = offset + length;
        int i = offset;
        for (; i + 1 < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (b[i] & 0xff) << 8;
        }
        return sum;
    }

    /**
     * Folds a sum into 16 bits, one's complement style.
     *
     * @param sum an unfolded sum
     * @return 0 to 65535
     */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    private static long sum64(long v) {
        return ((v >>> 48) & 0xffff) + ((v >>> 32) & 0xffff) + ((v >>> 16) & 0xffff) + (v & 0xffff);
    }
}
