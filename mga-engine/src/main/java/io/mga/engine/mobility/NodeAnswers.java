package io.mga.engine.mobility;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.wire.BeStatus;
import io.mga.wire.Checksums;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.Layer;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.fast.Ipv6View;
import io.mga.wire.fast.Protocols;
import java.util.List;

/**
 * What every node answers on its own address whatever its role (agent, responder, initiator): the error answers
 * of RFC 6275 §9.2 to a Mobility Header it cannot process, and ICMPv6 Echo (RFC 4443 §4.1). All of them answer
 * input nobody authenticated, so each kind is bounded by an {@link AnswerLimiter} (per source /64 and in total),
 * never goes to a source that is not unicast routable or is this node, and is at most as large as the minimum
 * IPv6 MTU. Single-threaded; one per role. Control traffic only: nothing here is on a forwarding path.
 */
public final class NodeAnswers {
    /** Error answers (Binding Error, Parameter Problem): per source /64 and in total, per second. */
    static final int ERRORS_PER_SOURCE = 10;
    /** Error answers per second, all sources together. */
    static final int ERRORS_TOTAL = 100;
    /** Echo Replies per second to one source /64. */
    static final int ECHOES_PER_SOURCE = 20;
    /** Echo Replies per second, all sources together. */
    static final int ECHOES_TOTAL = 500;
    /** RFC 4443 §2.4 (c): an error message carries as much of the invoking packet as fits in 1280 octets. */
    static final int MAX_QUOTED = 1280 - Ipv6View.HEADER_LENGTH - 8;
    /** Offset of the Payload Proto field in a Mobility Header (RFC 6275 §6.1.1). */
    private static final int PAYLOAD_PROTO_OFFSET = 0;
    /** Offset of the Header Len field in a Mobility Header (RFC 6275 §6.1.1). */
    private static final int HEADER_LEN_OFFSET = 1;

    /** What {@link #mobility} did with a Mobility Header the role could not use. */
    public enum Outcome {
        /** Valid and of a known type: the role handles it. */
        PROCESS,
        /** Discarded silently (checksum, undecodable, or an answer the limits withheld). */
        DISCARDED,
        /** Discarded and answered with a Binding Error status 2 (unknown MH Type). */
        BINDING_ERROR,
        /** Discarded and answered with an ICMPv6 Parameter Problem (Payload Proto not 59). */
        PARAMETER_PROBLEM
    }

    private final Ipv6Address self;
    private final java.util.function.Predicate<Ipv6Address> alsoOwn;
    private final MobilitySender sender;
    private final AnswerLimiter errors;
    private final AnswerLimiter echoes;
    private long bindingErrors;
    private long parameterProblems;
    private long echoReplies;

    /**
     * @param self the node's own (unicast) address, the source of every answer
     * @param sender the node's sender
     * @param limiterKey the secret of the limiters' tables
     */
    public NodeAnswers(Ipv6Address self, MobilitySender sender, long limiterKey) {
        this(self, a -> false, sender, limiterKey);
    }

    /**
     * @param self the node's own (unicast) address, the source of every answer
     * @param alsoOwn the node's other addresses, which no answer may go to (a responder's anycast address, an
     *     agent's served prefixes): a packet claiming one as its source is forged
     * @param sender the node's sender
     * @param limiterKey the secret of the limiters' tables
     */
    public NodeAnswers(Ipv6Address self, java.util.function.Predicate<Ipv6Address> alsoOwn, MobilitySender sender,
            long limiterKey) {
        this.self = self;
        this.alsoOwn = alsoOwn;
        this.sender = sender;
        this.errors = new AnswerLimiter(1_000_000_000L / ERRORS_PER_SOURCE, 1_000_000_000L / ERRORS_TOTAL, 10, 1024,
                limiterKey);
        this.echoes = new AnswerLimiter(1_000_000_000L / ECHOES_PER_SOURCE, 1_000_000_000L / ECHOES_TOTAL, 20, 1024,
                limiterKey ^ 0x6a09_e667_f3bc_c908L);
    }

    /** @return Binding Errors status 2 sent */
    public long bindingErrors() {
        return bindingErrors;
    }

    /** @return ICMPv6 Parameter Problems sent */
    public long parameterProblems() {
        return parameterProblems;
    }

    /** @return Echo Replies sent */
    public long echoReplies() {
        return echoReplies;
    }

    /**
     * The receive checks of RFC 6275 §9.2 that every node applies to a Mobility Header sent to it, with their
     * answers. The caller goes on with {@link Inbound#mobility()} only when this says {@link Outcome#PROCESS}.
     *
     * @param in the received packet, classified, its upper layer a Mobility Header
     * @param now the current time
     * @return what was done
     */
    public Outcome mobility(Inbound in, long now) {
        Ipv6Packet p = in.packet();
        if (p == null) {
            return headerLenTooShort(in, now) ? Outcome.PARAMETER_PROBLEM : Outcome.DISCARDED;
        }
        if (!(p.upper() instanceof MobilityHeader mh)) {
            return Outcome.DISCARDED;
        }
        // RFC 6275 §9.2: "If the checksum is incorrect, the message MUST be silently discarded" (checked first:
        // no other field of a corrupted header deserves an answer)
        if (!Checksums.verify(p)) {
            return Outcome.DISCARDED;
        }
        Ipv6Address src = p.header().source();
        Ipv6View v = in.view();
        // RFC 6275 §9.2: Payload Proto other than IPPROTO_NONE (59): "the node should discard the message and
        // SHOULD send ICMP Parameter Problem, Code 0, directly to the Source Address of the packet, as specified
        // in RFC 4443. (Thus, no Binding Cache information is used.) The Pointer field in the Parameter Problem
        // message SHOULD point to the Payload Proto field."
        if (mh.payloadProto() != Protocols.NO_NEXT_HEADER) {
            if (!answerable(src) || !errors.allow(src.high(), now)) {
                return Outcome.DISCARDED;
            }
            int pointer = v.upperLayerOffset() - v.offset() + PAYLOAD_PROTO_OFFSET;
            parameterProblems++;
            sender.send(Ipv6Packet.build(Ipv6Header.of(MobilitySender.HOP_LIMIT, self, src), List.of(),
                    new Icmpv6(new Icmpv6Message.ParameterProblem(0, pointer, in.quote(MAX_QUOTED)))));
            return Outcome.PARAMETER_PROBLEM;
        }
        // RFC 6275 §9.2: "If the MH Type field is unknown, the node MUST send a Binding Error message with the
        // Status field set to 2 ... to the Source Address of the packet"; §9.3.3: rate-limited, never to a source
        // that is not unicast, and when the packet carried a Home Address option the Home Address field copies it
        // (otherwise the unspecified address)
        if (mh.message() instanceof MobilityMessage.Unknown) {
            if (!answerable(src) || !errors.allow(src.high(), now)) {
                return Outcome.DISCARDED;
            }
            Ipv6Address home = p.homeAddressOption().map(h -> h.homeAddress()).orElse(Ipv6Address.UNSPECIFIED);
            bindingErrors++;
            sender.bindingError(self, src, BeStatus.UNRECOGNIZED_MH_TYPE.code(), home);
            return Outcome.BINDING_ERROR;
        }
        return Outcome.PROCESS;
    }

    /**
     * RFC 4443 §4.1: "Every node MUST implement an ICMPv6 Echo responder function that receives Echo Requests and
     * originates corresponding Echo Replies"; §4.2: the reply goes from the request's (unicast) destination, this
     * node, with the Identifier, Sequence Number and Data of the request. Rate-limited per source /64 and in all
     * (RFC 4443 §4.2 lets a node limit replies it cannot afford); a request whose data would not fit in a
     * 1280-octet reply is refused rather than truncated.
     *
     * @param in the received packet, classified, its upper layer ICMPv6 type 128, sent to this node
     * @param now the current time
     * @return true when a reply went
     */
    public boolean echo(Inbound in, long now) {
        if (!(in.icmpv6() instanceof Icmpv6Message.Echo e) || e.type() != Icmpv6Message.Echo.REQUEST) {
            return false;
        }
        Ipv6Address src = in.packet().header().source();
        if (!answerable(src) || e.data().length() > MAX_QUOTED || !echoes.allow(src.high(), now)) {
            return false;
        }
        echoReplies++;
        sender.send(Ipv6Packet.build(Ipv6Header.of(MobilitySender.HOP_LIMIT, self, src), List.of(),
                new Icmpv6(new Icmpv6Message.Echo(Icmpv6Message.Echo.REPLY, 0, e.identifier(), e.sequence(),
                        e.data()))));
        return true;
    }

    /**
     * RFC 6275 §9.2: "The Header Len field in the Mobility Header MUST NOT be less than the length specified for
     * this particular type of message in Section 6.1. Otherwise, the node MUST discard the message and SHOULD send
     * ICMP Parameter Problem, Code 0, directly to the Source Address of the packet ... The Pointer field in the
     * Parameter Problem message SHOULD point to the Header Len field." The decoder refuses such a header (kind
     * BAD_LENGTH at the Header Len octet); the checksum is verified first over the octets the packet holds, as for
     * any Mobility Header, so that a corrupted one stays unanswered.
     */
    private boolean headerLenTooShort(Inbound in, long now) {
        MalformedPacketException f = in.failure();
        Ipv6View v = in.view();
        if (f == null || v.upperLayerProtocol() != Protocols.MOBILITY || f.layer() != Layer.MH
                || f.kind() != MalformedPacketException.Kind.BAD_LENGTH) {
            return false;
        }
        int pointer = v.upperLayerOffset() - v.offset() + HEADER_LEN_OFFSET;
        if (f.offset() != pointer || !in.rawUpperLayerChecksumVerifies()) {
            return false;
        }
        Ipv6Address src = new Ipv6Address(v.sourceHigh(), v.sourceLow());
        if (!answerable(src) || !errors.allow(src.high(), now)) {
            return false;
        }
        parameterProblems++;
        sender.send(Ipv6Packet.build(Ipv6Header.of(MobilitySender.HOP_LIMIT, self, src), List.of(),
                new Icmpv6(new Icmpv6Message.ParameterProblem(0, pointer, in.quote(MAX_QUOTED)))));
        return true;
    }

    /** Answers go to unicast routable sources other than this node (RFC 4443 §2.4 (e), RFC 6275 §9.3.3). */
    private boolean answerable(Ipv6Address src) {
        return src.isUnicastRoutable() && !src.equals(self) && !alsoOwn.test(src);
    }
}
