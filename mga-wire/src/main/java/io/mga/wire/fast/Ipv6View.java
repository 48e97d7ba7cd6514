package io.mga.wire.fast;

import io.mga.api.Ipv6Address;

/**
 * A reusable flyweight over one IPv6 packet in a byte array: {@link #wrap} validates the fixed header and walks
 * the extension-header chain to the upper layer (at most 16 headers), remembering where the first Home Address
 * option and the first type 2 routing header are; the getters then read fields at absolute indexes. {@code wrap}
 * never allocates or throws, for any input; after a {@code wrap} that returned true no getter allocates or throws
 * either (after one that returned false, their values are meaningless).
 *
 * <p>What {@code wrap} checks: at least 40 octets, version 6, Payload Length within the octets given, every
 * extension header within the payload, a Home Address option of the right length, a type 2 routing header of
 * Hdr Ext Len 2. It does not look inside the upper layer; use {@link io.mga.wire.PacketDecoder} for that.
 *
 * <p>The view and {@link io.mga.wire.PacketDecoder} agree on the upper layer of every packet the decoder accepts
 * (the fuzz oracle {@code DecoderFuzzTargets.agree} checks it): the same protocol at the same offset, except for a
 * fragment. A packet whose chain holds a Fragment header with a non-zero Fragment Offset or the M flag set is a
 * fragment of a larger packet (RFC 8200 §4.5): nothing after its Fragment header can be read before reassembly,
 * and the decoder keeps those octets as a {@link io.mga.wire.RawPayload}. The view then reports the Fragment
 * header itself as the upper layer: {@link #upperLayerProtocol()} is {@link Protocols#FRAGMENT} (44),
 * {@link #upperLayerOffset()} the index of the Fragment header (whose first octet, its Next Header, names the
 * fragmented protocol) and {@link #upperLayerLength()} its {@value #FRAGMENT_HEADER_LENGTH} octets plus the
 * fragment data. So a fragment is never taken for a Mobility Header, ICMPv6, UDP or a tunnel. An atomic fragment
 * (offset 0, M clear) is a whole packet (RFC 6946 §4): both walk on past its Fragment header.
 *
 * <p>Not thread-safe: one instance per thread, reused for every packet. For speed, reuse one receive buffer (or
 * one ring of packets) too: pointing the view at a different array costs a garbage-collector write barrier, which
 * with G1 means a memory fence (measured: {@code AgentDataPathBenchmark.dataPathSeparateArrays}).
 */
public final class Ipv6View {
    private static final java.lang.invoke.VarHandle U16 = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            short[].class, java.nio.ByteOrder.BIG_ENDIAN);
    private static final java.lang.invoke.VarHandle U64 = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.BIG_ENDIAN);
    /** Value of {@link #homeAddressOffset()} and {@link #type2RoutingOffset()} when absent. */
    public static final int ABSENT = -1;
    /** Octets of the fixed IPv6 header (RFC 8200 §3). */
    public static final int HEADER_LENGTH = 40;
    /** Offset of the Payload Length field (16 bits) from the start of the IPv6 header. */
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    /** Offset of the Next Header field (8 bits). */
    public static final int NEXT_HEADER_OFFSET = 6;
    /** Offset of the Hop Limit field (8 bits). */
    public static final int HOP_LIMIT_OFFSET = 7;
    /** Offset of the Source Address (128 bits). */
    public static final int SOURCE_OFFSET = 8;
    /** Offset of the Destination Address (128 bits). */
    public static final int DESTINATION_OFFSET = 24;
    /**
     * Octets of a Fragment header (RFC 8200 §4.5): Next Header, Reserved, Fragment Offset (13 bits), Res (2 bits),
     * M flag, Identification (32 bits).
     */
    public static final int FRAGMENT_HEADER_LENGTH = 8;
    private static final int MAX_HEADERS = 16;
    /** The version nibble of an IPv6 header, in place in its first octet. */
    private static final int VERSION_6 = 0x60;
    /** Offset, in an extension header, of Hdr Ext Len (Payload Len for AH). */
    private static final int HDR_EXT_LEN_OFFSET = 1;
    /** Offset, in a Hop-by-Hop or Destination Options header, of the first option. */
    private static final int OPTIONS_OFFSET = 2;
    /** Offset, in a Routing header, of the Routing Type. */
    private static final int ROUTING_TYPE_OFFSET = 2;
    /** The Routing Type of the type 2 routing header (RFC 6275 §6.4). */
    private static final int ROUTING_TYPE_2 = 2;
    /** Offset, in a Routing header, of Segments Left. */
    private static final int SEGMENTS_LEFT_OFFSET = 3;
    /** Offset, in a type 2 routing header, of the home address (after 4 reserved octets, RFC 6275 §6.4.1). */
    private static final int TYPE2_ADDRESS_OFFSET = 8;
    /** Hdr Ext Len of every type 2 routing header (RFC 6275 §6.4.1): 24 octets. */
    private static final int TYPE2_HDR_EXT_LEN = 2;
    /** Offset, in a Fragment header, of the 16 bits that hold Fragment Offset, Res and M. */
    private static final int FRAGMENT_WORD_OFFSET = 2;
    /** Fragment Offset and the M flag in that 16-bit word (the two Res bits between them are ignored). */
    private static final int FRAGMENT_OFFSET_AND_M = 0xfff9;
    /** Option Type of the Home Address option (RFC 6275 §6.3). */
    private static final int HOME_ADDRESS_OPTION = 201;
    /** Opt Data Len of the Home Address option. */
    private static final int HOME_ADDRESS_LENGTH = 16;
    /** Offset, in the Home Address option, of the address. */
    private static final int HOME_ADDRESS_DATA_OFFSET = 2;
    /** Offset of the Home Address option in the usual Destination Options layout: after a PadN of 4 octets. */
    private static final int USUAL_HOME_ADDRESS_OFFSET = 6;
    /** Octets of the usual Destination Options header: Hdr Ext Len 2. */
    private static final int USUAL_LENGTH = 24;
    /** Offset of the MH Type in a Mobility Header (RFC 6275 §6.1.1). */
    private static final int MH_TYPE_OFFSET = 2;
    /** Octets of the smallest Mobility Header. */
    private static final int MH_MIN_LENGTH = 8;
    /** Octets of the ICMPv6 Type, Code and Checksum. */
    private static final int ICMPV6_MIN_LENGTH = 4;

    private byte[] buf;
    private int off;
    private int end;
    private int upperOffset;
    private int upperProtocol;
    private int haoOffset;
    private int rh2Offset;
    private boolean valid;

    /** An empty view: {@link #isValid()} is false until the first successful {@link #wrap}. */
    public Ipv6View() {
    }

    /**
     * Points the view at a packet and walks its header chain.
     *
     * @param buffer the array holding the packet
     * @param offset index of the first octet of the IPv6 header
     * @param length octets available (trailing octets after the payload are ignored)
     * @return true when the packet is well formed as far as the chain goes; false otherwise (getters then return
     *     meaningless values)
     */
    public boolean wrap(byte[] buffer, int offset, int length) {
        if (buffer != buf) {
            // storing a reference into a long-lived object costs a GC write barrier (with G1, a StoreLoad fence
            // per store): a receive loop that reuses its buffer pays it once, not per packet
            this.buf = buffer;
        }
        this.off = offset;
        this.valid = false;
        this.haoOffset = ABSENT;
        this.rh2Offset = ABSENT;
        if (buffer == null || offset < 0 || length < HEADER_LENGTH || offset > buffer.length - length
                || (buffer[offset] & 0xf0) != VERSION_6) {
            return false;
        }
        int plen = u16(offset + PAYLOAD_LENGTH_OFFSET);
        if (plen > length - HEADER_LENGTH) {
            return false;
        }
        int e = offset + HEADER_LENGTH + plen;
        end = e;
        int next = buffer[offset + NEXT_HEADER_OFFSET] & 0xff;
        if (!EXTENSION[next]) {
            // no extension header: the upper layer follows the fixed header
            upperOffset = offset + HEADER_LENGTH;
            upperProtocol = next;
            valid = true;
            return true;
        }
        return walk(offset + HEADER_LENGTH, next, e);
    }

    /**
     * Walks the extension-header chain from {@code pos}, whose header {@code next} names, and sets the upper
     * layer. Kept small so that the JIT inlines it into {@link #wrap}: the rarer cases are methods of their own.
     */
    private boolean walk(int pos, int next, int e) {
        byte[] b = buf;
        int n = 0;
        do {
            // RFC 8200 §4.1: Hop-by-Hop "is restricted to appear immediately after an IPv6 header only"
            if (n == MAX_HEADERS || (next == Protocols.HOP_BY_HOP && n > 0) || e - pos < 2) {
                return false;
            }
            int total;
            if (next == Protocols.DESTINATION_OPTIONS) {
                total = destinationOptions(pos, e);
                if (total < 0) {
                    return false;
                }
            } else if (next == Protocols.FRAGMENT) {
                if (e - pos < FRAGMENT_HEADER_LENGTH) {
                    return false;
                }
                if ((u16(pos + FRAGMENT_WORD_OFFSET) & FRAGMENT_OFFSET_AND_M) != 0) {
                    // RFC 8200 §4.5: a fragment (offset != 0 or M set); what follows its Fragment header is a piece
                    // of a packet to reassemble, not a header to read. The Fragment header is the upper layer
                    // (next == 44, at pos), where the decoder stops too and keeps the rest as a RawPayload
                    break;
                }
                // RFC 8200 §4.5: an atomic fragment (offset 0, M clear) "should be processed as a fully reassembled
                // packet", and RFC 6946 §4: it MUST be processed in isolation from any other fragment: walk on
                total = FRAGMENT_HEADER_LENGTH;
            } else {
                total = otherHeader(pos, next, e);
                if (total < 0) {
                    return false;
                }
            }
            next = b[pos] & 0xff;
            pos += total;
            n++;
        } while (EXTENSION[next]);
        upperOffset = pos;
        upperProtocol = next;
        valid = true;
        return true;
    }

    /**
     * Checks the Destination Options header at {@code pos} and remembers its Home Address option.
     *
     * @return the header's octets, or -1 when it overruns the payload, an option overruns the header, or the Home
     *     Address option has the wrong length
     */
    private int destinationOptions(int pos, int e) {
        if (e - pos >= USUAL_LENGTH && ((long) U64.get(buf, pos) & USUAL_MASK) == USUAL) {
            // the layout senders use (RFC 6275 §6.3), read in one go: Hdr Ext Len 2, PadN of 4 octets, then the
            // Home Address option filling the header; exactly what the general scan accepts for these octets
            if (haoOffset == ABSENT) {
                haoOffset = pos + USUAL_HOME_ADDRESS_OFFSET;
            }
            return USUAL_LENGTH;
        }
        int total = ((buf[pos + HDR_EXT_LEN_OFFSET] & 0xff) + 1) * 8;
        return total <= e - pos && findHomeAddress(pos + OPTIONS_OFFSET, pos + total) ? total : -1;
    }

    /**
     * Sizes a Hop-by-Hop, Routing, AH or RFC 6564 header, and remembers the first type 2 routing header (the one
     * {@link io.mga.wire.Ipv6Packet#type2Routing()} returns).
     *
     * @return the header's octets, or -1 when it overruns the payload or is a type 2 routing header of the wrong
     *     length
     */
    private int otherHeader(int pos, int next, int e) {
        int len = buf[pos + HDR_EXT_LEN_OFFSET] & 0xff;
        // RFC 4302 §2.2: AH's length is in 4-octet units, minus 2; the others' in 8-octet units, minus 1
        int total = next == Protocols.AUTHENTICATION_HEADER ? (len + 2) * 4 : (len + 1) * 8;
        if (total > e - pos) {
            return -1;
        }
        if (next == Protocols.ROUTING && (buf[pos + ROUTING_TYPE_OFFSET] & 0xff) == ROUTING_TYPE_2) {
            if (len != TYPE2_HDR_EXT_LEN) {
                return -1;
            }
            if (rh2Offset == ABSENT) {
                rh2Offset = pos;
            }
        }
        return total;
    }

    /**
     * The first 8 octets of the usual Destination Options header, as a big-endian long: Next Header (any), Hdr
     * Ext Len 2, PadN type 1 and length 2, two padding octets (any), Home Address option type 201 and length 16.
     */
    private static final long USUAL = 0x0002_0102_0000_c910L;
    private static final long USUAL_MASK = 0x00ff_ffff_0000_ffffL;

    private boolean findHomeAddress(int p, int hend) {
        while (p < hend) {
            int type = buf[p] & 0xff;
            if (type == 0) {
                p++;
                continue;
            }
            if (hend - p < 2) {
                return false;
            }
            int len = buf[p + 1] & 0xff;
            if (len > hend - p - 2) {
                return false;
            }
            if (type == HOME_ADDRESS_OPTION) {
                if (len != HOME_ADDRESS_LENGTH) {
                    return false;
                }
                if (haoOffset == ABSENT) {
                    haoOffset = p;
                }
            }
            p += 2 + len;
        }
        return true;
    }

    /** Next Header values of extension headers the view walks over. */
    private static final boolean[] EXTENSION = new boolean[256];

    static {
        for (int nh : new int[] {Protocols.HOP_BY_HOP, Protocols.DESTINATION_OPTIONS, Protocols.ROUTING,
            Protocols.FRAGMENT, Protocols.AUTHENTICATION_HEADER, 139, 140, 253, 254}) {
            EXTENSION[nh] = true;
        }
    }

    private int u16(int i) {
        return (short) U16.get(buf, i) & 0xffff;
    }

    private long u64(int i) {
        return (long) U64.get(buf, i);
    }

    /** @return the result of the last {@link #wrap} */
    public boolean isValid() {
        return valid;
    }

    /** @return index of the first octet of the IPv6 header in the buffer */
    public int offset() {
        return off;
    }

    /** @return octets of the packet: 40 plus Payload Length */
    public int packetLength() {
        return end - off;
    }

    /** @return Traffic Class, 0 to 255 */
    public int trafficClass() {
        return (u16(off) >>> 4) & 0xff;
    }

    /** @return Flow Label, 0 to 0xfffff */
    public int flowLabel() {
        return ((buf[off + 1] & 0x0f) << 16) | u16(off + 2);
    }

    /** @return Payload Length */
    public int payloadLength() {
        return u16(off + PAYLOAD_LENGTH_OFFSET);
    }

    /** @return Next Header of the fixed header */
    public int nextHeader() {
        return buf[off + NEXT_HEADER_OFFSET] & 0xff;
    }

    /** @return Hop Limit */
    public int hopLimit() {
        return buf[off + HOP_LIMIT_OFFSET] & 0xff;
    }

    /** @return the most significant 64 bits of the Source Address */
    public long sourceHigh() {
        return u64(off + SOURCE_OFFSET);
    }

    /** @return the least significant 64 bits of the Source Address */
    public long sourceLow() {
        return u64(off + SOURCE_OFFSET + 8);
    }

    /** @return the most significant 64 bits of the Destination Address */
    public long destinationHigh() {
        return u64(off + DESTINATION_OFFSET);
    }

    /** @return the least significant 64 bits of the Destination Address */
    public long destinationLow() {
        return u64(off + DESTINATION_OFFSET + 8);
    }

    /**
     * Reads the most significant 64 bits of the Source Address of an IPv6 header that has not been wrapped; see
     * {@link #peekDestinationHigh}.
     *
     * @param buffer the array holding the packet
     * @param offset index of the IPv6 header's first octet
     * @return the octets at {@code offset + 8} to {@code offset + 15}, big-endian; 0 if the buffer does not hold
     *     the 40-octet fixed header there (never throws)
     */
    public static long peekSourceHigh(byte[] buffer, int offset) {
        return buffer == null || offset < 0 || offset > buffer.length - HEADER_LENGTH ? 0
                : (long) U64.get(buffer, offset + SOURCE_OFFSET);
    }

    /**
     * Reads the least significant 64 bits of the Source Address of an IPv6 header that has not been wrapped; see
     * {@link #peekDestinationHigh}.
     *
     * @param buffer the array holding the packet
     * @param offset index of the IPv6 header's first octet
     * @return the octets at {@code offset + 16} to {@code offset + 23}, big-endian; 0 if the buffer does not hold
     *     the 40-octet fixed header there (never throws)
     */
    public static long peekSourceLow(byte[] buffer, int offset) {
        return buffer == null || offset < 0 || offset > buffer.length - HEADER_LENGTH ? 0
                : (long) U64.get(buffer, offset + SOURCE_OFFSET + 8);
    }

    /**
     * Reads the most significant 64 bits of the Destination Address of an IPv6 header that has not been wrapped, for
     * a look-ahead over a burst (no check that it is an IPv6 packet at all, and 0 is also what an address whose
     * first half is zero gives: a hint to be checked, not a fact).
     *
     * @param buffer the array holding the packet
     * @param offset index of the IPv6 header's first octet
     * @return the octets at {@code offset + 24} to {@code offset + 31}, big-endian; 0 if the buffer does not hold
     *     the 40-octet fixed header there (never throws)
     */
    public static long peekDestinationHigh(byte[] buffer, int offset) {
        return buffer == null || offset < 0 || offset > buffer.length - HEADER_LENGTH ? 0
                : (long) U64.get(buffer, offset + DESTINATION_OFFSET);
    }

    /**
     * Reads the least significant 64 bits of the Destination Address of an IPv6 header that has not been wrapped;
     * see {@link #peekDestinationHigh}.
     *
     * @param buffer the array holding the packet
     * @param offset index of the IPv6 header's first octet
     * @return the octets at {@code offset + 32} to {@code offset + 39}, big-endian; 0 if the buffer does not hold
     *     the 40-octet fixed header there (never throws)
     */
    public static long peekDestinationLow(byte[] buffer, int offset) {
        return buffer == null || offset < 0 || offset > buffer.length - HEADER_LENGTH ? 0
                : (long) U64.get(buffer, offset + DESTINATION_OFFSET + 8);
    }

    /**
     * @param a an address
     * @return true when the Source Address equals {@code a}
     */
    public boolean sourceEquals(Ipv6Address a) {
        return sourceHigh() == a.high() && sourceLow() == a.low();
    }

    /**
     * @param a an address
     * @return true when the Destination Address equals {@code a}
     */
    public boolean destinationEquals(Ipv6Address a) {
        return destinationHigh() == a.high() && destinationLow() == a.low();
    }

    /** @return index of the Source Address's first octet */
    public int sourceOffset() {
        return off + SOURCE_OFFSET;
    }

    /** @return index of the Destination Address's first octet */
    public int destinationOffset() {
        return off + DESTINATION_OFFSET;
    }

    /**
     * The protocol of the upper layer: what the chain's last Next Header names, or {@link Protocols#FRAGMENT} (44)
     * when the packet is a fragment (a Fragment header with a non-zero offset or the M flag set: see the class
     * comment).
     *
     * @return the protocol number
     */
    public int upperLayerProtocol() {
        return upperProtocol;
    }

    /** @return index of the upper layer's first octet (of the Fragment header, when the packet is a fragment) */
    public int upperLayerOffset() {
        return upperOffset;
    }

    /** @return octets of the upper layer (for a fragment: its Fragment header and the fragment data) */
    public int upperLayerLength() {
        return end - upperOffset;
    }

    /** @return true when the upper layer is a tunnelled IPv6 packet (protocol 41), and not a fragment of one */
    public boolean isTunnel() {
        return upperProtocol == Protocols.IPV6_IN_IPV6;
    }

    /** @return the MH Type when the upper layer is a Mobility Header of at least 8 octets, else -1 */
    public int mobilityHeaderType() {
        return upperProtocol == Protocols.MOBILITY && end - upperOffset >= MH_MIN_LENGTH
                ? buf[upperOffset + MH_TYPE_OFFSET] & 0xff : -1;
    }

    /** @return the ICMPv6 Type when the upper layer is ICMPv6, else -1 */
    public int icmpv6Type() {
        return upperProtocol == Protocols.ICMPV6 && end - upperOffset >= ICMPV6_MIN_LENGTH
                ? buf[upperOffset] & 0xff : -1;
    }

    /** @return index of the Home Address option's type octet, or {@link #ABSENT} */
    public int homeAddressOffset() {
        return haoOffset;
    }

    /** @return the most significant 64 bits of the home address in the Home Address option (check presence first) */
    public long homeAddressHigh() {
        return haoOffset == ABSENT ? 0 : u64(haoOffset + HOME_ADDRESS_DATA_OFFSET);
    }

    /** @return the least significant 64 bits of the home address in the Home Address option */
    public long homeAddressLow() {
        return haoOffset == ABSENT ? 0 : u64(haoOffset + HOME_ADDRESS_DATA_OFFSET + 8);
    }

    /** @return index of the first type 2 routing header's first octet, or {@link #ABSENT} */
    public int type2RoutingOffset() {
        return rh2Offset;
    }

    /** @return Segments Left of the type 2 routing header (check presence first) */
    public int type2SegmentsLeft() {
        return rh2Offset == ABSENT ? 0 : buf[rh2Offset + SEGMENTS_LEFT_OFFSET] & 0xff;
    }

    /** @return the most significant 64 bits of the type 2 routing header's home address */
    public long type2HomeAddressHigh() {
        return rh2Offset == ABSENT ? 0 : u64(rh2Offset + TYPE2_ADDRESS_OFFSET);
    }

    /** @return the least significant 64 bits of the type 2 routing header's home address */
    public long type2HomeAddressLow() {
        return rh2Offset == ABSENT ? 0 : u64(rh2Offset + TYPE2_ADDRESS_OFFSET + 8);
    }

    /**
     * Decrements the Hop Limit in place, as a forwarder does.
     *
     * @return the new Hop Limit; 0 means the packet must not be forwarded (RFC 8200 §3)
     */
    public int decrementHopLimit() {
        int h = buf[off + HOP_LIMIT_OFFSET] & 0xff;
        if (h > 0) {
            h--;
            buf[off + HOP_LIMIT_OFFSET] = (byte) h;
        }
        return h;
    }
}
