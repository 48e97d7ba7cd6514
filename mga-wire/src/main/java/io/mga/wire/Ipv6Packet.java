package io.mga.wire;

import io.mga.api.Ipv6Address;
import java.util.List;
import java.util.Optional;

/**
 * A whole IPv6 packet: fixed header, extension-header chain, upper layer. The record is exactly what goes on the
 * wire except the derived length and Next Header fields; checksums are carried as values, and
 * {@link #withChecksums()} (or {@link #build}) computes them.
 *
 * <p>Invariants (checked by the constructor, and always true of what {@link PacketDecoder} returns): a
 * Hop-by-Hop header only comes first; at most {@link Limits#MAX_EXTENSION_HEADERS} extension headers; at most
 * {@link Limits#MAX_NESTING} nested packets; a packet at most 40 + 65535 octets; after the Fragment header of a
 * fragmented packet only a {@link RawPayload}.
 *
 * @param header the fixed header
 * @param extensions extension headers in wire order
 * @param upper what follows them
 */
public record Ipv6Packet(Ipv6Header header, List<ExtensionHeader> extensions, UpperLayer upper) {

    /**
     * Validates the fields.
     *
     * @param header the fixed header
     * @param extensions extension headers in wire order
     * @param upper what follows them
     * @throws IllegalArgumentException if an invariant above does not hold
     */
    public Ipv6Packet {
        Check.nn("header", header);
        extensions = Check.list("extensions", extensions);
        Check.nn("upper", upper);
        if (extensions.size() > Limits.MAX_EXTENSION_HEADERS) {
            throw new IllegalArgumentException("at most " + Limits.MAX_EXTENSION_HEADERS + " extension headers");
        }
        for (int i = 0; i < extensions.size(); i++) {
            ExtensionHeader e = extensions.get(i);
            if (i > 0 && e instanceof ExtensionHeader.HopByHop) {
                throw new IllegalArgumentException("a Hop-by-Hop header may only come first (RFC 8200 §4.1)");
            }
            if (e instanceof ExtensionHeader.Fragment f && f.isFragmented()
                    && (i != extensions.size() - 1 || !(upper instanceof RawPayload))) {
                throw new IllegalArgumentException("only raw octets may follow the Fragment header of a fragment");
            }
        }
        if (upper instanceof Tunnel t && t.inner().depth() >= Limits.MAX_NESTING) {
            throw new IllegalArgumentException("at most " + Limits.MAX_NESTING + " nested IPv6 packets");
        }
        int payload = 0;
        for (int i = 0, size = extensions.size(); i < size; i++) {
            payload += extensions.get(i).wireLength();
        }
        payload += upper.wireLength();
        if (payload > 65535) {
            throw new IllegalArgumentException("payload of " + payload + " octets exceeds 65535 (no jumbograms)");
        }
    }

    /**
     * Builds a packet and computes its checksums ({@link #withChecksums()}).
     *
     * @param header the fixed header
     * @param extensions extension headers in wire order
     * @param upper the upper layer (its checksum value is replaced)
     * @return the packet, ready to encode
     */
    public static Ipv6Packet build(Ipv6Header header, List<ExtensionHeader> extensions, UpperLayer upper) {
        return new Ipv6Packet(header, extensions, upper).withChecksums();
    }

    /** @return octets on the wire: 40 plus the payload */
    public int wireLength() {
        return 40 + payloadLength();
    }

    /** @return the Payload Length: extension headers plus upper layer */
    public int payloadLength() {
        int n = upper.wireLength();
        for (int i = 0, size = extensions.size(); i < size; i++) {
            n += extensions.get(i).wireLength();
        }
        return n;
    }

    /** @return 1 for a packet that carries no tunnelled packet, plus 1 per level of tunnelling inside it */
    public int depth() {
        return upper instanceof Tunnel t ? 1 + t.inner().depth() : 1;
    }

    /** @return the Next Header value of the fixed header */
    public int nextHeader() {
        return extensions.isEmpty() ? upper.protocol() : extensions.get(0).protocol();
    }

    /** @return the Home Address option of this packet's header chain, if one is present */
    public Optional<Ipv6Option.HomeAddress> homeAddressOption() {
        return Optional.ofNullable(homeAddressOrNull());
    }

    /** {@link #homeAddressOption()} without the {@code Optional}: the first Home Address option, or null. */
    Ipv6Option.HomeAddress homeAddressOrNull() {
        for (int i = 0, size = extensions.size(); i < size; i++) {
            if (extensions.get(i) instanceof ExtensionHeader.DestinationOptions d) {
                List<Ipv6Option> options = d.options();
                for (int k = 0, n = options.size(); k < n; k++) {
                    if (options.get(k) instanceof Ipv6Option.HomeAddress h) {
                        return h;
                    }
                }
            }
        }
        return null;
    }

    /** @return the type 2 routing header of this packet, if one is present */
    public Optional<ExtensionHeader.Type2Routing> type2Routing() {
        for (ExtensionHeader e : extensions) {
            if (e instanceof ExtensionHeader.Type2Routing r) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * The source of the upper-layer checksum pseudo-header: the Home Address option's address when one is
     * present, else the Source Address (RFC 6275 §6.3, §11.3.1).
     *
     * @return the pseudo-header source
     */
    public Ipv6Address pseudoSource() {
        Ipv6Option.HomeAddress h = homeAddressOrNull();
        return h != null ? h.homeAddress() : header.source();
    }

    /**
     * The final destination used in the upper-layer checksum pseudo-header (RFC 8200 §8.1): the home address of
     * a type 2 routing header (RFC 6275 §6.4), or the last address of a type 0 routing header, when Segments Left
     * is not 0; else the Destination Address.
     *
     * @return the pseudo-header destination
     */
    public Ipv6Address pseudoDestination() {
        ExtensionHeader.Routing r = finalRoutingOrNull();
        if (r == null) {
            return header.destination();
        }
        if (r instanceof ExtensionHeader.Type2Routing t) {
            return t.homeAddress();
        }
        byte[] b = ((ExtensionHeader.OtherRouting) r).data().toArray();
        return Ipv6Address.read(b, b.length - 16);
    }

    /**
     * The routing header whose address {@link #pseudoDestination()} is: the last type 2 header, or type 0 header
     * of at least 20 octets of data, with Segments Left not 0; null when it is the Destination Address.
     */
    ExtensionHeader.Routing finalRoutingOrNull() {
        ExtensionHeader.Routing d = null;
        for (int i = 0, size = extensions.size(); i < size; i++) {
            ExtensionHeader e = extensions.get(i);
            if (e instanceof ExtensionHeader.Type2Routing r && r.segmentsLeft() > 0) {
                d = r;
            } else if (e instanceof ExtensionHeader.OtherRouting r && r.routingType() == 0 && r.segmentsLeft() > 0
                    && r.data().length() >= 20) {
                d = r;
            }
        }
        return d;
    }

    /**
     * A copy whose Mobility Header, ICMPv6 or UDP checksum (and those of tunnelled packets) is computed with the
     * pseudo-header rules above.
     *
     * @return the copy
     */
    public Ipv6Packet withChecksums() {
        UpperLayer u = upper;
        if (upper instanceof MobilityHeader m) {
            u = m.withChecksum(Checksums.compute(this));
        } else if (upper instanceof Icmpv6 i) {
            u = new Icmpv6(Checksums.compute(this), i.message());
        } else if (upper instanceof Udp d) {
            u = new Udp(d.sourcePort(), d.destinationPort(), Checksums.compute(this), d.payload());
        } else if (upper instanceof Tunnel t) {
            u = new Tunnel(t.inner().withChecksums());
        }
        return new Ipv6Packet(header, extensions, u);
    }
}
