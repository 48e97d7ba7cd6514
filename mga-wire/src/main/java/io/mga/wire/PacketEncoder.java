package io.mga.wire;

import io.mga.api.Ipv6Address;
import java.util.List;

/**
 * Writes records to octets. Length and Next Header fields are computed from the content; checksums are written as
 * the records carry them (compute them with {@link Ipv6Packet#withChecksums()}). Encoding is the exact inverse of
 * {@link PacketDecoder}: {@code decode(encode(p)).equals(p)}, and {@code encode(decode(b))} gives back {@code b}
 * (less any octets after the IPv6 payload).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PacketEncoder {
    /** The encoder that writes every field as computed. */
    public static final PacketEncoder DEFAULT = new PacketEncoder(EncodeHook.NONE);

    private final EncodeHook hook;

    private PacketEncoder(EncodeHook hook) {
        this.hook = hook;
    }

    /**
     * An encoder that passes every derived field through {@code hook}: for the tests of this package that need
     * wrong lengths or checksums on purpose (EncodeHookTest). Package-private: not part of the API. Outside those
     * tests {@link EncodeHook#NONE} of {@link #DEFAULT} is the only hook class loaded, so each {@code adjust} call
     * site sees one receiver class and the JIT inlines it (a class check, then the value unchanged).
     *
     * @param hook the hook
     * @return the encoder
     */
    static PacketEncoder withHook(EncodeHook hook) {
        return new PacketEncoder(java.util.Objects.requireNonNull(hook, "hook"));
    }

    /**
     * Encodes a packet into a new array.
     *
     * @param packet the packet
     * @return its octets
     */
    public static byte[] encode(Ipv6Packet packet) {
        return DEFAULT.toBytes(packet);
    }

    /**
     * Encodes a Mobility Header alone (as return routability and RFC 4285 authentication need it).
     *
     * @param mh the Mobility Header
     * @return its octets, checksum as carried
     */
    public static byte[] encode(MobilityHeader mh) {
        byte[] b = new byte[mh.wireLength()];
        DEFAULT.writeUpper(mh, b, 0, false, 1);
        return b;
    }

    /**
     * Encodes a packet into a new array.
     *
     * @param packet the packet
     * @return its octets
     */
    public byte[] toBytes(Ipv6Packet packet) {
        byte[] b = new byte[packet.wireLength()];
        write(packet, b, 0);
        return b;
    }

    /**
     * Encodes a packet into the caller's buffer.
     *
     * @param packet the packet
     * @param dst the buffer
     * @param offset where the IPv6 header starts
     * @return the number of octets written ({@link Ipv6Packet#wireLength()})
     * @throws IndexOutOfBoundsException if the packet does not fit
     */
    public int write(Ipv6Packet packet, byte[] dst, int offset) {
        java.util.Objects.checkFromIndexSize(offset, packet.wireLength(), dst.length);
        return writePacket(packet, dst, offset, 1);
    }

    private int writePacket(Ipv6Packet p, byte[] b, int off, int depth) {
        Ipv6Header h = p.header();
        put32(b, off, (6L << 28) | ((long) h.trafficClass() << 20) | h.flowLabel());
        put16(b, off + 4, hook.adjust(EncodeHook.Field.PAYLOAD_LENGTH, depth, p.payloadLength()));
        b[off + 6] = (byte) p.nextHeader();
        b[off + 7] = (byte) h.hopLimit();
        put64(b, off + 8, h.sourceHigh());
        put64(b, off + 16, h.sourceLow());
        put64(b, off + 24, h.destinationHigh());
        put64(b, off + 32, h.destinationLow());
        int pos = off + 40;
        List<ExtensionHeader> ext = p.extensions();
        for (int i = 0; i < ext.size(); i++) {
            int next = i + 1 < ext.size() ? ext.get(i + 1).protocol() : p.upper().protocol();
            pos = writeExtension(ext.get(i), next, b, pos, depth);
        }
        return writeUpper(p.upper(), b, pos, false, depth) - off;
    }

    private int writeExtension(ExtensionHeader e, int next, byte[] b, int off, int depth) {
        b[off] = (byte) next;
        int len = e.wireLength();
        if (e instanceof ExtensionHeader.HopByHop x) {
            writeHdrExtLen(b, off, len, depth);
            writeIpv6Options(x.options(), b, off + 2, depth);
        } else if (e instanceof ExtensionHeader.DestinationOptions x) {
            writeHdrExtLen(b, off, len, depth);
            writeIpv6Options(x.options(), b, off + 2, depth);
        } else if (e instanceof ExtensionHeader.Type2Routing x) {
            writeHdrExtLen(b, off, len, depth);
            b[off + 2] = 2;
            b[off + 3] = (byte) x.segmentsLeft();
            put32(b, off + 4, x.reserved());
            put64(b, off + 8, x.homeAddressHigh());
            put64(b, off + 16, x.homeAddressLow());
        } else if (e instanceof ExtensionHeader.OtherRouting x) {
            writeHdrExtLen(b, off, len, depth);
            b[off + 2] = (byte) x.routingType();
            b[off + 3] = (byte) x.segmentsLeft();
            x.data().copyTo(b, off + 4);
        } else if (e instanceof ExtensionHeader.Fragment x) {
            b[off + 1] = (byte) x.reserved();
            put16(b, off + 2, (x.fragmentOffset() << 3) | (x.res() << 1) | (x.moreFragments() ? 1 : 0));
            put32(b, off + 4, x.identification());
        } else if (e instanceof ExtensionHeader.Other x) {
            int units = x.protocol() == 51 ? len / 4 - 2 : len / 8 - 1;
            b[off + 1] = (byte) hook.adjust(EncodeHook.Field.HDR_EXT_LEN, depth, units);
            x.data().copyTo(b, off + 2);
        }
        return off + len;
    }

    private void writeHdrExtLen(byte[] b, int off, int len, int depth) {
        b[off + 1] = (byte) hook.adjust(EncodeHook.Field.HDR_EXT_LEN, depth, len / 8 - 1);
    }

    private void writeIpv6Options(List<Ipv6Option> options, byte[] b, int off, int depth) {
        for (Ipv6Option o : options) {
            if (o instanceof Ipv6Option.Pad1) {
                b[off++] = 0;
                continue;
            }
            b[off] = (byte) o.type();
            b[off + 1] = (byte) hook.adjust(EncodeHook.Field.IPV6_OPTION_LENGTH, depth, o.wireLength() - 2);
            if (o instanceof Ipv6Option.PadN x) {
                x.data().copyTo(b, off + 2);
            } else if (o instanceof Ipv6Option.HomeAddress x) {
                put64(b, off + 2, x.homeAddressHigh());
                put64(b, off + 10, x.homeAddressLow());
            } else if (o instanceof Ipv6Option.TunnelEncapsulationLimit x) {
                b[off + 2] = (byte) x.limit();
            } else if (o instanceof Ipv6Option.Unknown x) {
                x.data().copyTo(b, off + 2);
            }
            off += o.wireLength();
        }
    }

    /** Writes an upper layer; with {@code zeroChecksum} the checksum field is written as 0. Returns the end. */
    int writeUpper(UpperLayer u, byte[] b, int off, boolean zeroChecksum, int depth) {
        if (u instanceof MobilityHeader m) {
            writeMobility(m, b, off, zeroChecksum, depth);
        } else if (u instanceof Icmpv6 i) {
            writeIcmpv6(i, b, off, zeroChecksum, depth);
        } else if (u instanceof Udp d) {
            put16(b, off, d.sourcePort());
            put16(b, off + 2, d.destinationPort());
            put16(b, off + 4, hook.adjust(EncodeHook.Field.UDP_LENGTH, depth, d.wireLength()));
            put16(b, off + 6, zeroChecksum ? 0 : hook.adjust(EncodeHook.Field.UDP_CHECKSUM, depth, d.checksum()));
            d.payload().copyTo(b, off + 8);
        } else if (u instanceof Tunnel t) {
            writePacket(t.inner(), b, off, depth + 1);
        } else if (u instanceof RawPayload r) {
            r.data().copyTo(b, off);
        }
        return off + u.wireLength();
    }

    private void writeMobility(MobilityHeader mh, byte[] b, int off, boolean zeroChecksum, int depth) {
        MobilityMessage m = mh.message();
        b[off] = (byte) mh.payloadProto();
        b[off + 1] = (byte) hook.adjust(EncodeHook.Field.MH_HEADER_LEN, depth, mh.headerLen());
        b[off + 2] = (byte) m.type();
        b[off + 3] = (byte) mh.reserved();
        put16(b, off + 4, zeroChecksum ? 0 : hook.adjust(EncodeHook.Field.MH_CHECKSUM, depth, mh.checksum()));
        int p = off + 6;
        if (m instanceof MobilityMessage.BindingRefreshRequest x) {
            put16(b, p, x.reserved());
        } else if (m instanceof MobilityMessage.HomeTestInit x) {
            put16(b, p, x.reserved());
            put64(b, p + 2, x.cookie());
        } else if (m instanceof MobilityMessage.CareOfTestInit x) {
            put16(b, p, x.reserved());
            put64(b, p + 2, x.cookie());
        } else if (m instanceof MobilityMessage.HomeTest x) {
            put16(b, p, x.homeNonceIndex());
            put64(b, p + 2, x.cookie());
            put64(b, p + 10, x.keygenToken());
        } else if (m instanceof MobilityMessage.CareOfTest x) {
            put16(b, p, x.careOfNonceIndex());
            put64(b, p + 2, x.cookie());
            put64(b, p + 10, x.keygenToken());
        } else if (m instanceof MobilityMessage.BindingUpdate x) {
            put16(b, p, x.sequence());
            put16(b, p + 2, x.flags());
            put16(b, p + 4, x.lifetime());
        } else if (m instanceof MobilityMessage.BindingAcknowledgement x) {
            b[p] = (byte) x.status();
            b[p + 1] = (byte) x.flags();
            put16(b, p + 2, x.sequence());
            put16(b, p + 4, x.lifetime());
        } else if (m instanceof MobilityMessage.BindingError x) {
            b[p] = (byte) x.status();
            b[p + 1] = (byte) x.reserved();
            x.homeAddress().writeTo(b, p + 2);
        } else if (m instanceof MobilityMessage.Unknown x) {
            x.data().copyTo(b, p);
        }
        writeMobilityOptions(m.options(), b, off + m.fixedLength(), depth);
    }

    private void writeMobilityOptions(List<MobilityOption> options, byte[] b, int off, int depth) {
        for (MobilityOption o : options) {
            if (o instanceof MobilityOption.Pad1) {
                b[off++] = 0;
                continue;
            }
            b[off] = (byte) o.type();
            b[off + 1] = (byte) hook.adjust(EncodeHook.Field.MOBILITY_OPTION_LENGTH, depth, o.wireLength() - 2);
            int d = off + 2;
            if (o instanceof MobilityOption.PadN x) {
                x.data().copyTo(b, d);
            } else if (o instanceof MobilityOption.BindingRefreshAdvice x) {
                put16(b, d, x.refreshInterval());
            } else if (o instanceof MobilityOption.AlternateCareOfAddress x) {
                x.address().writeTo(b, d);
            } else if (o instanceof MobilityOption.NonceIndices x) {
                put16(b, d, x.homeNonceIndex());
                put16(b, d + 2, x.careOfNonceIndex());
            } else if (o instanceof MobilityOption.BindingAuthorizationData x) {
                x.authenticator().copyTo(b, d);
            } else if (o instanceof MobilityOption.MobileNodeIdentifier x) {
                b[d] = (byte) x.subtype();
                x.identifier().copyTo(b, d + 1);
            } else if (o instanceof MobilityOption.Authentication x) {
                b[d] = (byte) x.subtype();
                put32(b, d + 1, x.spi());
                x.authenticationData().copyTo(b, d + 5);
            } else if (o instanceof MobilityOption.ReplayProtection x) {
                put64(b, d, x.timestamp());
            } else if (o instanceof MobilityOption.VendorSpecific x) {
                put32(b, d, x.vendorId());
                b[d + 4] = (byte) x.subtype();
                x.data().copyTo(b, d + 5);
            } else if (o instanceof MobilityOption.BindingIdentifier x) {
                put16(b, d, x.bid());
                b[d + 2] = (byte) x.status();
                b[d + 3] = (byte) x.flags();
                x.careOfAddress().copyTo(b, d + 4);
            } else if (o instanceof MobilityOption.Unknown x) {
                x.data().copyTo(b, d);
            }
            off += o.wireLength();
        }
    }

    private void writeIcmpv6(Icmpv6 icmp, byte[] b, int off, boolean zeroChecksum, int depth) {
        Icmpv6Message m = icmp.message();
        b[off] = (byte) m.type();
        b[off + 1] = (byte) m.code();
        put16(b, off + 2, zeroChecksum ? 0 : hook.adjust(EncodeHook.Field.ICMPV6_CHECKSUM, depth, icmp.checksum()));
        int p = off + 4;
        if (m instanceof Icmpv6Message.Error x) {
            put32(b, p, x.word());
            x.invoking().copyTo(b, p + 4);
        } else if (m instanceof Icmpv6Message.Echo x) {
            put16(b, p, x.identifier());
            put16(b, p + 2, x.sequence());
            x.data().copyTo(b, p + 4);
        } else if (m instanceof Icmpv6Message.NeighborSolicitation x) {
            put32(b, p, x.reserved());
            x.target().writeTo(b, p + 4);
            writeNdOptions(x.options(), b, p + 20, depth);
        } else if (m instanceof Icmpv6Message.NeighborAdvertisement x) {
            put32(b, p, x.flags());
            x.target().writeTo(b, p + 4);
            writeNdOptions(x.options(), b, p + 20, depth);
        } else if (m instanceof Icmpv6Message.HaadRequest x) {
            put16(b, p, x.identifier());
            put16(b, p + 2, x.reserved());
        } else if (m instanceof Icmpv6Message.HaadReply x) {
            put16(b, p, x.identifier());
            put16(b, p + 2, x.reserved());
            int q = p + 4;
            for (Ipv6Address a : x.homeAgents()) {
                a.writeTo(b, q);
                q += 16;
            }
        } else if (m instanceof Icmpv6Message.MobilePrefixSolicitation x) {
            put16(b, p, x.identifier());
            put16(b, p + 2, x.reserved());
            writeNdOptions(x.options(), b, p + 4, depth);
        } else if (m instanceof Icmpv6Message.MobilePrefixAdvertisement x) {
            put16(b, p, x.identifier());
            put16(b, p + 2, x.flags());
            writeNdOptions(x.options(), b, p + 4, depth);
        } else if (m instanceof Icmpv6Message.Unknown x) {
            x.data().copyTo(b, p);
        }
    }

    private void writeNdOptions(List<NdOption> options, byte[] b, int off, int depth) {
        for (NdOption o : options) {
            b[off] = (byte) o.type();
            b[off + 1] = (byte) hook.adjust(EncodeHook.Field.ND_OPTION_LENGTH, depth, o.wireLength() / 8);
            if (o instanceof NdOption.LinkLayerAddress x) {
                x.address().copyTo(b, off + 2);
            } else if (o instanceof NdOption.PrefixInformation x) {
                b[off + 2] = (byte) x.prefixLength();
                b[off + 3] = (byte) x.flags();
                put32(b, off + 4, x.validLifetime());
                put32(b, off + 8, x.preferredLifetime());
                put32(b, off + 12, x.reserved2());
                x.prefix().writeTo(b, off + 16);
            } else if (o instanceof NdOption.Unknown x) {
                x.data().copyTo(b, off + 2);
            }
            off += o.wireLength();
        }
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void put64(byte[] b, int off, long v) {
        put32(b, off, v >>> 32);
        put32(b, off + 4, v);
    }
}
