package io.mga.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.wire.BaStatus;
import io.mga.wire.BeStatus;
import io.mga.wire.Checksums;
import io.mga.wire.ExtensionHeader;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Icmpv6Type;
import io.mga.wire.Ipv6Option;
import io.mga.wire.Ipv6OptionType;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.Layer;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.MhType;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.MobilityOptionType;
import io.mga.wire.NdOption;
import io.mga.wire.NdOptionType;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PartialPacket;
import io.mga.wire.Problems;
import io.mga.wire.RawPayload;
import io.mga.wire.Tunnel;
import io.mga.wire.Udp;
import io.mga.wire.UpperLayer;
import io.mga.wire.link.LinkFrames;
import io.mga.wire.link.LinkType;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Renders decoded packets as the JSON objects of {@code docs/decode-output.md}. */
final class PacketJson {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final ObjectMapper mapper;

    PacketJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** One captured frame: link framing, then the IPv6 packet as far as it decodes. */
    ObjectNode frame(int number, Instant time, LinkType link, int linkCode, byte[] data) {
        ObjectNode o = mapper.createObjectNode();
        o.put("frame", number);
        o.put("time", TIME.format(time));
        if (link == null) {
            o.put("link", "linktype_" + linkCode);
            o.put("valid", false);
            error(o, new MalformedPacketException(MalformedPacketException.Kind.UNSUPPORTED_LINK_TYPE, Layer.LINK, 0,
                    "link type " + linkCode + " is not one mga reads"));
            return o;
        }
        o.put("link", link.label());
        int off;
        try {
            off = LinkFrames.ipv6Offset(link, data, data.length);
        } catch (MalformedPacketException e) {
            o.put("valid", false);
            error(o, e);
            return o;
        }
        PartialPacket p = PacketDecoder.decodePartial(data, off, data.length - off);
        packet(o, p, data, off, 1);
        return o;
    }

    /** Fills the packet keys of {@code o}; {@code off} is where the IPv6 header starts in {@code b}. */
    void packet(ObjectNode o, PartialPacket p, byte[] b, int off, int depth) {
        o.put("valid", p.isComplete());
        if (p.error() != null) {
            error(o, p.error());
        }
        if (p.header() == null) {
            return;
        }
        ObjectNode ip = o.putObject("ipv6");
        ip.put("version", 6);
        ip.put("traffic_class", p.header().trafficClass());
        ip.put("flow_label", p.header().flowLabel());
        ip.put("payload_length", p.payloadLength());
        ip.put("next_header", p.nextHeader());
        ip.put("hop_limit", p.header().hopLimit());
        ip.put("src", p.header().source().toString());
        ip.put("dst", p.header().destination().toString());
        int pos = off + 40;
        if (!p.extensions().isEmpty()) {
            ArrayNode ext = o.putArray("ext");
            for (ExtensionHeader h : p.extensions()) {
                ext.add(extension(h, b, pos));
                pos += h.wireLength();
            }
        }
        // protocol violations of this packet (not of the packets it carries, which list their own)
        ArrayNode problems = o.putArray("problems");
        for (Problems.Problem x : Problems.of(p)) {
            ObjectNode e = problems.addObject();
            e.put("name", x.name());
            e.put("layer", x.layer().id());
            e.put("message", x.message());
        }
        UpperLayer u = p.upper();
        if (u != null) {
            Ipv6Packet whole = p.packet().orElseThrow();
            upper(o, u, whole, b, pos, depth);
        } else if (p.inner() != null) {
            packet(o.putObject("inner"), p.inner(), b, pos, depth + 1);
        }
    }

    private void upper(ObjectNode o, UpperLayer u, Ipv6Packet whole, byte[] b, int pos, int depth) {
        if (u instanceof MobilityHeader m) {
            mobility(o.putObject("mh"), m, whole);
        } else if (u instanceof Icmpv6 i) {
            icmpv6(o.putObject("icmpv6"), i, whole, depth);
        } else if (u instanceof Udp d) {
            ObjectNode x = o.putObject("udp");
            x.put("src_port", d.sourcePort());
            x.put("dst_port", d.destinationPort());
            x.put("length", d.wireLength());
            checksum(x, d.checksum(), whole);
            x.put("payload", d.payload().toHex());
        } else if (u instanceof Tunnel t) {
            // the decoder already decoded the inner packet: render it, do not decode it again
            packet(o.putObject("inner"), PartialPacket.of(t.inner()), b, pos, depth + 1);
        } else if (u instanceof RawPayload r) {
            ObjectNode x = o.putObject("raw");
            x.put("proto", r.protocol());
            x.put("data", r.data().toHex());
        }
    }

    private void error(ObjectNode o, MalformedPacketException e) {
        ObjectNode x = o.putObject("error");
        x.put("kind", e.kind().id());
        x.put("layer", e.layer().id());
        x.put("offset", e.offset());
        x.put("message", e.getMessage());
    }

    private void checksum(ObjectNode x, int carried, Ipv6Packet whole) {
        x.put("checksum", carried);
        x.put("checksum_ok", carried == Checksums.compute(whole));
    }

    private ObjectNode extension(ExtensionHeader h, byte[] b, int pos) {
        ObjectNode x = mapper.createObjectNode();
        String name;
        if (h instanceof ExtensionHeader.HopByHop) {
            name = "hop_by_hop";
        } else if (h instanceof ExtensionHeader.DestinationOptions) {
            name = "destination_options";
        } else if (h instanceof ExtensionHeader.Routing) {
            name = "routing";
        } else if (h instanceof ExtensionHeader.Fragment) {
            name = "fragment";
        } else {
            name = "unknown";
        }
        x.put("header", name);
        x.put("proto", h.protocol());
        x.put("next_header", b[pos] & 0xff);
        if (!(h instanceof ExtensionHeader.Fragment)) {
            x.put("hdr_ext_len", b[pos + 1] & 0xff);
        }
        if (h instanceof ExtensionHeader.HopByHop hbh) {
            x.set("options", ipv6Options(hbh.options()));
        } else if (h instanceof ExtensionHeader.DestinationOptions d) {
            x.set("options", ipv6Options(d.options()));
        } else if (h instanceof ExtensionHeader.Type2Routing r) {
            x.put("routing_type", 2);
            x.put("segments_left", r.segmentsLeft());
            x.put("reserved", r.reserved());
            x.put("home_address", r.homeAddress().toString());
        } else if (h instanceof ExtensionHeader.OtherRouting r) {
            x.put("routing_type", r.routingType());
            x.put("segments_left", r.segmentsLeft());
            x.put("data", r.data().toHex());
        } else if (h instanceof ExtensionHeader.Fragment f) {
            x.put("reserved", f.reserved());
            x.put("fragment_offset", f.fragmentOffset());
            x.put("res", f.res());
            x.put("more_fragments", f.moreFragments());
            x.put("identification", f.identification());
        } else if (h instanceof ExtensionHeader.Other other) {
            x.put("data", other.data().toHex());
        }
        return x;
    }

    private ArrayNode ipv6Options(List<Ipv6Option> options) {
        ArrayNode a = mapper.createArrayNode();
        for (Ipv6Option opt : options) {
            ObjectNode x = a.addObject();
            x.put("type", opt.type());
            if (opt instanceof Ipv6Option.Unknown) {
                x.put("name", "unknown");
            } else {
                x.put("name", Ipv6OptionType.valueOf(opt.type()).name());
            }
            if (opt instanceof Ipv6Option.Pad1) {
                continue;
            }
            x.put("length", opt.wireLength() - 2);
            if (opt instanceof Ipv6Option.PadN p) {
                x.put("data", p.data().toHex());
            } else if (opt instanceof Ipv6Option.HomeAddress h) {
                x.put("home_address", h.homeAddress().toString());
            } else if (opt instanceof Ipv6Option.TunnelEncapsulationLimit t) {
                x.put("limit", t.limit());
            } else if (opt instanceof Ipv6Option.Unknown u) {
                x.put("data", u.data().toHex());
            }
        }
        return a;
    }

    private void mobility(ObjectNode x, MobilityHeader mh, Ipv6Packet whole) {
        MobilityMessage m = mh.message();
        x.put("payload_proto", mh.payloadProto());
        x.put("header_len", mh.headerLen());
        x.put("type", m.type());
        x.put("name", m instanceof MobilityMessage.Unknown ? "unknown" : MhType.valueOf(m.type()).name());
        x.put("reserved", mh.reserved());
        checksum(x, mh.checksum(), whole);
        x.put("pseudo_src", whole.pseudoSource().toString());
        x.put("pseudo_dst", whole.pseudoDestination().toString());
        if (m instanceof MobilityMessage.BindingRefreshRequest r) {
            x.put("message_reserved", r.reserved());
        } else if (m instanceof MobilityMessage.HomeTestInit r) {
            x.put("message_reserved", r.reserved());
            x.put("cookie", hex64(r.cookie()));
        } else if (m instanceof MobilityMessage.CareOfTestInit r) {
            x.put("message_reserved", r.reserved());
            x.put("cookie", hex64(r.cookie()));
        } else if (m instanceof MobilityMessage.HomeTest r) {
            x.put("home_nonce_index", r.homeNonceIndex());
            x.put("cookie", hex64(r.cookie()));
            x.put("keygen_token", hex64(r.keygenToken()));
        } else if (m instanceof MobilityMessage.CareOfTest r) {
            x.put("care_of_nonce_index", r.careOfNonceIndex());
            x.put("cookie", hex64(r.cookie()));
            x.put("keygen_token", hex64(r.keygenToken()));
        } else if (m instanceof MobilityMessage.BindingUpdate r) {
            x.put("sequence", r.sequence());
            x.set("flags", flags(r.flags(), 16, "AHLKMRPFTO"));
            x.put("flags_value", r.flags());
            x.put("lifetime", r.lifetime());
            x.put("lifetime_seconds", r.lifetimeSeconds());
        } else if (m instanceof MobilityMessage.BindingAcknowledgement r) {
            x.put("status", r.status());
            x.put("status_name", BaStatus.valueOf(r.status()).name());
            x.set("flags", flags(r.flags(), 8, "KRPTB"));
            x.put("flags_value", r.flags());
            x.put("sequence", r.sequence());
            x.put("lifetime", r.lifetime());
            x.put("lifetime_seconds", r.lifetime() * 4L);
        } else if (m instanceof MobilityMessage.BindingError r) {
            x.put("status", r.status());
            x.put("status_name", BeStatus.valueOf(r.status()).name());
            x.put("message_reserved", r.reserved());
            x.put("home_address", r.homeAddress().toString());
        } else if (m instanceof MobilityMessage.Unknown r) {
            x.put("data", r.data().toHex());
            return;
        }
        ArrayNode opts = x.putArray("options");
        for (MobilityOption opt : m.options()) {
            opts.add(mobilityOption(opt));
        }
    }

    private ObjectNode mobilityOption(MobilityOption opt) {
        ObjectNode x = mapper.createObjectNode();
        x.put("type", opt.type());
        x.put("name", opt instanceof MobilityOption.Unknown ? "unknown" : MobilityOptionType.valueOf(opt.type()).name());
        if (opt instanceof MobilityOption.Pad1) {
            return x;
        }
        x.put("length", opt.wireLength() - 2);
        if (opt instanceof MobilityOption.PadN p) {
            x.put("data", p.data().toHex());
        } else if (opt instanceof MobilityOption.BindingRefreshAdvice r) {
            x.put("refresh_interval", r.refreshInterval());
            x.put("refresh_interval_seconds", r.refreshInterval() * 4L);
        } else if (opt instanceof MobilityOption.AlternateCareOfAddress a) {
            x.put("address", a.address().toString());
        } else if (opt instanceof MobilityOption.NonceIndices n) {
            x.put("home_nonce_index", n.homeNonceIndex());
            x.put("care_of_nonce_index", n.careOfNonceIndex());
        } else if (opt instanceof MobilityOption.BindingAuthorizationData d) {
            x.put("authenticator", d.authenticator().toHex());
        } else if (opt instanceof MobilityOption.MobileNodeIdentifier id) {
            x.put("subtype", id.subtype());
            x.put("identifier", id.identifier().toHex());
            if (id.subtype() == MobilityOption.MobileNodeIdentifier.NAI) {
                String text = utf8(id.identifier());
                if (text != null) {
                    x.put("identifier_text", text);
                }
            }
        } else if (opt instanceof MobilityOption.Authentication a) {
            x.put("subtype", a.subtype());
            x.put("spi", a.spi());
            x.put("authentication_data", a.authenticationData().toHex());
        } else if (opt instanceof MobilityOption.ReplayProtection r) {
            x.put("timestamp", new java.math.BigInteger(Long.toUnsignedString(r.timestamp())));
        } else if (opt instanceof MobilityOption.VendorSpecific v) {
            x.put("vendor_id", v.vendorId());
            x.put("subtype", v.subtype());
            x.put("data", v.data().toHex());
        } else if (opt instanceof MobilityOption.BindingIdentifier bid) {
            x.put("bid", bid.bid());
            x.put("status", bid.status());
            x.set("flags", flags(bid.flags(), 8, "H"));
            x.put("flags_value", bid.flags());
            Bytes coa = bid.careOfAddress();
            if (coa.length() == 16) {
                x.put("care_of_address", Ipv6Address.of(coa.toArray()).toString());
            } else if (coa.length() == 4) {
                x.put("care_of_address", coa.get(0) + "." + coa.get(1) + "." + coa.get(2) + "." + coa.get(3));
            }
        } else if (opt instanceof MobilityOption.Unknown u) {
            x.put("data", u.data().toHex());
        }
        return x;
    }

    private void icmpv6(ObjectNode x, Icmpv6 icmp, Ipv6Packet whole, int depth) {
        Icmpv6Message m = icmp.message();
        x.put("type", m.type());
        x.put("code", m.code());
        x.put("name", m instanceof Icmpv6Message.Unknown ? "unknown" : Icmpv6Type.valueOf(m.type()).name());
        checksum(x, icmp.checksum(), whole);
        if (m instanceof Icmpv6Message.Error e) {
            String word = m instanceof Icmpv6Message.PacketTooBig ? "mtu"
                    : m instanceof Icmpv6Message.ParameterProblem ? "pointer" : "unused";
            x.put(word, e.word());
            ObjectNode inv = x.putObject("invoking");
            inv.put("length", e.invoking().length());
            byte[] ib = e.invoking().toArray();
            packet(inv, e.invokingPacket(depth), ib, 0, depth + 1);
        } else if (m instanceof Icmpv6Message.Echo e) {
            x.put("identifier", e.identifier());
            x.put("sequence", e.sequence());
            x.put("data", e.data().toHex());
        } else if (m instanceof Icmpv6Message.NeighborSolicitation n) {
            x.put("reserved", n.reserved());
            x.put("target", n.target().toString());
            x.set("options", ndOptions(n.options()));
        } else if (m instanceof Icmpv6Message.NeighborAdvertisement n) {
            x.set("flags", flags((int) (n.flags() >>> 24), 8, "RSO"));
            x.put("flags_value", n.flags());
            x.put("target", n.target().toString());
            x.set("options", ndOptions(n.options()));
        } else if (m instanceof Icmpv6Message.HaadRequest r) {
            x.put("identifier", r.identifier());
            // RFC 3963 §7.1: the Reserved field's first bit is the Mobile Router Support flag (R)
            x.set("flags", flags(r.reserved(), 16, "R"));
            x.put("reserved", r.reserved());
        } else if (m instanceof Icmpv6Message.HaadReply r) {
            x.put("identifier", r.identifier());
            x.set("flags", flags(r.reserved(), 16, "R")); // RFC 3963 §7.2: the Reserved field's first bit
            x.put("reserved", r.reserved());
            ArrayNode has = x.putArray("home_agents");
            for (Ipv6Address a : r.homeAgents()) {
                has.add(a.toString());
            }
        } else if (m instanceof Icmpv6Message.MobilePrefixSolicitation s) {
            x.put("identifier", s.identifier());
            x.put("reserved", s.reserved());
            x.set("options", ndOptions(s.options()));
        } else if (m instanceof Icmpv6Message.MobilePrefixAdvertisement a) {
            x.put("identifier", a.identifier());
            x.set("flags", flags(a.flags(), 16, "MO"));
            x.put("flags_value", a.flags());
            x.set("options", ndOptions(a.options()));
        } else if (m instanceof Icmpv6Message.Unknown u) {
            x.put("data", u.data().toHex());
        }
    }

    private ArrayNode ndOptions(List<NdOption> options) {
        ArrayNode a = mapper.createArrayNode();
        for (NdOption opt : options) {
            ObjectNode x = a.addObject();
            x.put("type", opt.type());
            x.put("name", opt instanceof NdOption.Unknown ? "unknown" : NdOptionType.valueOf(opt.type()).name());
            x.put("length", opt.wireLength() / 8);
            if (opt instanceof NdOption.LinkLayerAddress l) {
                x.put("address", l.address().length() == 6 ? mac(l.address()) : l.address().toHex());
            } else if (opt instanceof NdOption.PrefixInformation pi) {
                x.put("prefix_length", pi.prefixLength());
                x.set("flags", flags(pi.flags(), 8, "LAR"));
                x.put("flags_value", pi.flags());
                x.put("valid_lifetime", pi.validLifetime());
                x.put("preferred_lifetime", pi.preferredLifetime());
                x.put("reserved2", pi.reserved2());
                x.put("prefix", pi.prefix().toString());
            } else if (opt instanceof NdOption.Unknown u) {
                x.put("data", u.data().toHex());
            }
        }
        return a;
    }

    /** Names of the set flags, the most significant bit first; {@code letters} name the top bits in order. */
    private ArrayNode flags(int value, int width, String letters) {
        ArrayNode a = mapper.createArrayNode();
        for (int i = 0; i < letters.length(); i++) {
            if ((value & (1 << (width - 1 - i))) != 0) {
                a.add(String.valueOf(letters.charAt(i)));
            }
        }
        return a;
    }

    private static String hex64(long v) {
        return String.format("%016x", v);
    }

    private static String mac(Bytes b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length(); i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(String.format("%02x", b.get(i)));
        }
        return sb.toString();
    }

    private static String utf8(Bytes b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b.toArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
