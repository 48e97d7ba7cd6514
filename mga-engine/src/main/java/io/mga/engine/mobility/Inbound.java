package io.mga.engine.mobility;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.wire.Checksums;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.PacketDecoder;
import io.mga.wire.fast.Ipv6View;
import io.mga.wire.fast.Protocols;

/**
 * The one receive front-end of every role: the packet is classified once with the allocation-free flyweight
 * ({@link #view()}: addresses, upper-layer protocol, ICMPv6 or MH type), and only what a role must read as records
 * is decoded, once, with the checks every role applies:
 * <ul>
 *   <li>{@link #mobility()}: a Mobility Header whose checksum verifies and whose Payload Proto is 59 (RFC 6275
 *       §9.2: otherwise silently discarded);</li>
 *   <li>{@link #icmpv6()}: an ICMPv6 message whose checksum verifies;</li>
 *   <li>{@link #packet()}: any packet the decoder accepts.</li>
 * </ul>
 * Each answers null instead of throwing or casting when the bytes are not what the view suggested (a fragment,
 * a truncated header, a bad checksum), so that no input can take a role's thread down. Not thread-safe: one per
 * role, reused for every packet; what it returns is valid until the next {@link #wrap}.
 */
public final class Inbound {
    private final Ipv6View view = new Ipv6View();
    private byte[] buffer;
    private int offset;
    private int length;
    private Ipv6Packet decoded;
    private MalformedPacketException failure;
    private boolean tried;

    /**
     * Classifies a packet.
     *
     * @param packet the buffer
     * @param off where the IPv6 header starts
     * @param len the octets
     * @return false when even the header chain is malformed
     */
    public boolean wrap(byte[] packet, int off, int len) {
        attach(packet, off, len); // a store of a reference costs a GC write barrier: only when the buffer changes
        return view.wrap(packet, off, len);
    }

    /**
     * Records a packet that {@link #view()} was already wrapped over, successfully, by the caller (the agent's
     * forwarder, which walks only the flyweight for data packets): what {@link #wrap} does after its walk.
     *
     * @param packet the buffer the view was wrapped over
     * @param off where the IPv6 header starts
     * @param len the octets
     */
    public void attach(byte[] packet, int off, int len) {
        if (buffer != packet) {
            buffer = packet;
        }
        offset = off;
        length = len;
        if (tried) {
            decoded = null;
            failure = null;
            tried = false;
        }
    }

    /** @return the flyweight over the packet */
    public Ipv6View view() {
        return view;
    }

    /** @return the upper-layer protocol the view found */
    public int protocol() {
        return view.upperLayerProtocol();
    }

    /**
     * A copy of the packet's first octets, as an ICMPv6 error quotes its invoking packet (RFC 4443 §2.4 (c)).
     *
     * @param max the most octets to copy
     * @return the octets
     */
    public Bytes quote(int max) {
        return Bytes.copyOf(buffer, offset, Math.min(length, max));
    }

    /** @return the decoded packet, or null when the decoder refuses it */
    public Ipv6Packet packet() {
        if (!tried) {
            tried = true;
            try {
                decoded = PacketDecoder.decode(buffer, offset, length);
            } catch (MalformedPacketException e) {
                decoded = null;
                failure = e;
            }
        }
        return decoded;
    }

    /** @return why {@link #packet()} answered null (the decoder's refusal), or null when it did not */
    public MalformedPacketException failure() {
        return failure;
    }

    /**
     * Whether the upper layer's checksum verifies over the octets the packet holds for it (from the view's upper
     * layer offset to the end of the payload), with the pseudo-header of the IPv6 header's addresses: for a packet
     * the decoder refused, whose records cannot be had. Not meant for packets with a type 2 routing header (their
     * pseudo-header destination is the home address).
     *
     * @return true when it verifies
     */
    public boolean rawUpperLayerChecksumVerifies() {
        int at = view.upperLayerOffset();
        int len = view.upperLayerLength();
        if (at < offset || len < 0 || at + len > offset + length) {
            return false;
        }
        Ipv6Address src = new Ipv6Address(view.sourceHigh(), view.sourceLow());
        Ipv6Address dst = new Ipv6Address(view.destinationHigh(), view.destinationLow());
        // the sum over octets that include a correct checksum folds to 0xffff: its complement is 0
        return Checksums.compute(src, dst, view.upperLayerProtocol(), buffer, at, len) == 0;
    }

    /**
     * @return the Mobility Header message if the packet carries a valid one (checksum, Payload Proto 59), else null
     */
    public MobilityMessage mobility() {
        if (view.upperLayerProtocol() != Protocols.MOBILITY) {
            return null;
        }
        Ipv6Packet p = packet();
        // RFC 6275 §9.2: a wrong checksum or a Payload Proto other than 59 is silently discarded
        if (p == null || !(p.upper() instanceof MobilityHeader mh) || mh.payloadProto() != Protocols.NO_NEXT_HEADER
                || !Checksums.verify(p)) {
            return null;
        }
        return mh.message();
    }

    /** @return the ICMPv6 message if the packet carries one whose checksum verifies, else null */
    public Icmpv6Message icmpv6() {
        if (view.upperLayerProtocol() != Protocols.ICMPV6) {
            return null;
        }
        Ipv6Packet p = packet();
        if (p == null || !(p.upper() instanceof Icmpv6 i) || !Checksums.verify(p)) {
            return null;
        }
        return i.message();
    }
}
