package io.mga.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The protocol violations of a packet that decodes: what a receiver following the RFCs would refuse, discard or
 * answer with an error, although the octets can be read (as Wireshark's expert info reports them beside the
 * dissection). The decoder stays lenient: a packet with problems still decodes; these checks only name what is
 * wrong. The names are stable, part of {@code mga decode}'s output contract ({@code docs/decode-output.md}).
 */
public final class Problems {
    /** RFC 6275 §6.1.1, §9.2: the MH Payload Proto is not IPPROTO_NONE (59). */
    public static final String MH_PAYLOAD_PROTO_NOT_59 = "mh_payload_proto_not_59";
    /** RFC 6275 §9.2: the Mobility Header checksum does not verify (the receiver silently discards it). */
    public static final String MH_CHECKSUM_BAD = "mh_checksum_bad";
    /** RFC 6275 §9.2: an MH Type the receiver does not know (it answers with a Binding Error status 2). */
    public static final String MH_TYPE_UNKNOWN = "mh_type_unknown";
    /** RFC 6275 §6.1: a Mobility Header message other than a Binding Update behind a Home Address option. */
    public static final String MH_HOME_ADDRESS_OPTION_NOT_ALLOWED = "mh_home_address_option_not_allowed";
    /** RFC 6275 §6.2.7: the Binding Authorization Data option is not the last mobility option. */
    public static final String MH_BINDING_AUTHORIZATION_DATA_NOT_LAST = "mh_binding_authorization_data_not_last";
    /** RFC 6275 §6.4: a type 2 routing header whose Segments Left is not 1. */
    public static final String RH2_SEGMENTS_LEFT_NOT_1 = "rh2_segments_left_not_1";
    /** RFC 4443 §2.3: the ICMPv6 checksum does not verify. */
    public static final String ICMPV6_CHECKSUM_BAD = "icmpv6_checksum_bad";
    /** RFC 8200 §8.1: the UDP checksum does not verify. */
    public static final String UDP_CHECKSUM_BAD = "udp_checksum_bad";
    /** RFC 8200 §8.1: a UDP checksum of zero, which IPv6 receivers must discard. */
    public static final String UDP_CHECKSUM_ZERO = "udp_checksum_zero";

    /** Every name {@link #of} can report, in the order it checks them. */
    public static final List<String> NAMES = List.of(RH2_SEGMENTS_LEFT_NOT_1, MH_PAYLOAD_PROTO_NOT_59, MH_CHECKSUM_BAD,
            MH_TYPE_UNKNOWN, MH_HOME_ADDRESS_OPTION_NOT_ALLOWED, MH_BINDING_AUTHORIZATION_DATA_NOT_LAST,
            ICMPV6_CHECKSUM_BAD, UDP_CHECKSUM_BAD, UDP_CHECKSUM_ZERO);

    /**
     * One violation.
     *
     * @param name its stable snake_case name, one of {@link #NAMES}
     * @param layer the layer it is in
     * @param message a sentence for people (not stable)
     */
    public record Problem(String name, Layer layer, String message) {
        /**
         * Checks the fields.
         *
         * @param name the name
         * @param layer the layer
         * @param message the sentence
         * @throws NullPointerException if one is null
         */
        public Problem {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(layer, "layer");
            Objects.requireNonNull(message, "message");
        }
    }

    private Problems() {
    }

    /**
     * The violations of one packet, in wire order of the layers; the packets it carries (a tunnel's inner packet,
     * an ICMPv6 error's invoking packet) are not looked into: check them on their own. The upper layer is checked
     * only when it decoded completely.
     *
     * @param p the packet as far as it decoded
     * @return the problems, empty when none (immutable)
     */
    public static List<Problem> of(PartialPacket p) {
        List<Problem> out = new ArrayList<>(2);
        for (ExtensionHeader h : p.extensions()) {
            if (h instanceof ExtensionHeader.Type2Routing r && r.segmentsLeft() != 1) {
                out.add(new Problem(RH2_SEGMENTS_LEFT_NOT_1, Layer.ROUTING,
                        "type 2 routing header with Segments Left " + r.segmentsLeft() + " (RFC 6275 §6.4: must be 1)"));
            }
        }
        Ipv6Packet whole = p.upper() == null ? null : p.packet().orElse(null);
        if (whole == null) {
            return List.copyOf(out);
        }
        UpperLayer u = whole.upper();
        if (u instanceof MobilityHeader mh) {
            mobility(whole, mh, out);
        } else if (u instanceof Icmpv6 && !Checksums.verify(whole)) {
            out.add(new Problem(ICMPV6_CHECKSUM_BAD, Layer.ICMPV6, "ICMPv6 checksum does not verify"));
        } else if (u instanceof Udp d) {
            int c = Checksums.compute(whole);
            if (d.checksum() == 0) {
                out.add(new Problem(UDP_CHECKSUM_ZERO, Layer.UDP,
                        "UDP checksum 0 (RFC 8200 §8.1: IPv6 receivers discard it)"));
            } else if (d.checksum() != c && !(c == 0 && d.checksum() == 0xffff)) {
                out.add(new Problem(UDP_CHECKSUM_BAD, Layer.UDP, "UDP checksum does not verify"));
            }
        }
        return List.copyOf(out);
    }

    private static void mobility(Ipv6Packet whole, MobilityHeader mh, List<Problem> out) {
        if (mh.payloadProto() != IpProtocol.NO_NEXT_HEADER.code()) {
            out.add(new Problem(MH_PAYLOAD_PROTO_NOT_59, Layer.MH, "MH Payload Proto " + mh.payloadProto()
                    + " (RFC 6275 §6.1.1: must be 59, IPPROTO_NONE)"));
        }
        if (!Checksums.verify(whole)) {
            out.add(new Problem(MH_CHECKSUM_BAD, Layer.MH, "Mobility Header checksum does not verify"));
        }
        MobilityMessage m = mh.message();
        if (m instanceof MobilityMessage.Unknown x) {
            out.add(new Problem(MH_TYPE_UNKNOWN, Layer.MH, "MH Type " + x.type() + " is not defined"));
        }
        if (!(m instanceof MobilityMessage.BindingUpdate) && whole.homeAddressOrNull() != null) {
            out.add(new Problem(MH_HOME_ADDRESS_OPTION_NOT_ALLOWED, Layer.DESTINATION_OPTIONS,
                    "a Home Address option before an MH other than a Binding Update (RFC 6275 §6.1)"));
        }
        List<MobilityOption> opts = m.options();
        for (int i = 0; i < opts.size() - 1; i++) {
            if (opts.get(i) instanceof MobilityOption.BindingAuthorizationData) {
                out.add(new Problem(MH_BINDING_AUTHORIZATION_DATA_NOT_LAST, Layer.MOBILITY_OPTION,
                        "Binding Authorization Data is not the last option (RFC 6275 §6.2.7)"));
                break;
            }
        }
    }
}
