package io.mga.engine.agent;

import io.mga.api.Ipv6Address;
import io.mga.api.PacketIo;
import io.mga.wire.Checksums;
import io.mga.engine.mobility.AnswerLimiter;
import io.mga.engine.mobility.Inbound;
import io.mga.engine.mobility.MobilitySender;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.fast.Ipv6View;
import io.mga.wire.fast.Protocols;
import java.util.ArrayList;
import java.util.List;

/**
 * What the agent does with ICMPv6: errors about its tunnels (RFC 2473 §8), Dynamic Home Agent Address Discovery
 * (RFC 6275 §10.5.1), and the errors it sends as a tunnel entry point: Packet Too Big (RFC 2473 §7.1) and Parameter
 * Problem for an exhausted Tunnel Encapsulation Limit (RFC 2473 §4.1.1). The errors it sends are written into a
 * buffer of its own (no allocation) and rate-limited. Single-threaded.
 */
public final class AgentIcmp {
    /** The quoted octets a tunnel error must carry: the outer header and the inner one (RFC 4443 §3.1). */
    private static final int QUOTED = 2 * Ipv6View.HEADER_LENGTH;
    private final Ipv6Address address;
    private final List<Ipv6Address> peers;
    private final Registrar registrar;
    private final MobilitySender sender;
    private final AgentStats stats;
    private final TunnelLabels labels;
    /** DHAAD replies: 10 a second to one source /64, 200 a second in all. */
    private final AnswerLimiter replies;
    /**
     * ICMPv6 errors the agent originates (RFC 4443 §2.4(f) asks for a rate limit, e.g. a token bucket): 10 a
     * second to one source /64 with a burst of 10, 1000 a second in all. One Packet Too Big per flow is what path
     * MTU discovery needs; a sender of large packets that is not answered at once retransmits.
     */
    private final AnswerLimiter errors;
    private final PacketIo io;
    /** Where the errors are written: at most the IPv6 minimum MTU (RFC 4443 §2.4(c)). */
    private final byte[] errorTx = new byte[MIN_MTU];
    /** The IPv6 minimum link MTU (RFC 8200 §5), the bound of an ICMPv6 error (RFC 4443 §2.4(c)). */
    private static final int MIN_MTU = 1280;
    /** ICMPv6 header (type, code, checksum) and its 32-bit field: 8 octets. */
    private static final int ICMP_HEADER = 8;

    /**
     * @param address the agent's address
     * @param peers the other agents of the home link, listed after this one in DHAAD replies
     * @param registrar the registration pipeline (drops bindings an error names)
     * @param sender the agent's sender
     * @param stats the agent's counters
     * @param labels the outer Flow Labels the agent writes
     * @param limiterKey the secret of the reply limiter's table
     * @param io where the errors the agent originates go
     */
    public AgentIcmp(Ipv6Address address, List<Ipv6Address> peers, Registrar registrar, MobilitySender sender,
            AgentStats stats, TunnelLabels labels, long limiterKey, PacketIo io) {
        this.address = address;
        this.peers = List.copyOf(peers);
        this.registrar = registrar;
        this.sender = sender;
        this.stats = stats;
        this.labels = labels;
        this.replies = new AnswerLimiter(100_000_000L, 5_000_000L, 10, 1024, limiterKey);
        this.errors = new AnswerLimiter(100_000_000L, 1_000_000L, 10, 1024, limiterKey ^ 0x6a09_e667_f3bc_c909L);
        this.io = io;
    }

    /**
     * RFC 2473 §7.1: a packet too large for the tunnel is not sent; its source is told with an ICMPv6 Packet Too
     * Big whose MTU is the tunnel MTU (the link MTU less the 40-octet tunnel header), so that path MTU discovery
     * (RFC 8201) can shrink its packets instead of losing them in a black hole. RFC 4443 §3.2: the error quotes as
     * much of the packet as fits in 1280 octets.
     *
     * @param packet the buffer
     * @param offset where the packet starts
     * @param view the packet, wrapped
     * @param mtu the MTU to announce
     * @param now the current time
     */
    public void packetTooBig(byte[] packet, int offset, Ipv6View view, int mtu, long now) {
        stats.tooBig++;
        error(packet, offset, view, Protocols.ICMPV6_PACKET_TOO_BIG, 0, mtu, now);
    }

    /**
     * RFC 2473 §4.1.1: a tunnel packet whose Tunnel Encapsulation Limit is 0 must not be encapsulated again: it
     * is discarded and its source (the previous tunnel entry point) gets an ICMPv6 Parameter Problem, code 0
     * (erroneous header field), whose pointer is the offset of the limit's value in the packet.
     *
     * @param packet the buffer
     * @param offset where the packet starts
     * @param view the packet, wrapped
     * @param pointer the offset, from the packet's start, of the Tunnel Encapsulation Limit's value
     * @param now the current time
     */
    public void encapsulationLimitReached(byte[] packet, int offset, Ipv6View view, int pointer, long now) {
        stats.encapsulationLimited++;
        error(packet, offset, view, Protocols.ICMPV6_PARAMETER_PROBLEM, 0, pointer, now);
    }

    /**
     * Sends an ICMPv6 error about a packet to its source, unless RFC 4443 §2.4(e) forbids it or the rate limit
     * says no (RFC 4443 §2.4(f)).
     */
    private void error(byte[] packet, int offset, Ipv6View view, int type, int code, int word, long now) {
        long sh = view.sourceHigh();
        long sl = view.sourceLow();
        // RFC 4443 §2.4(e): no error to a source that does not identify a single node (unspecified, multicast,
        // an anycast address: ours would be tunnelled back to a responder), nor about an ICMPv6 error (e.1);
        // mga also answers no link-scoped, loopback or own source
        if (!Ipv6Address.isUnicastRoutable(sh, sl) || sh == address.high() && sl == address.low()
                || registrar.serves(sh, sl)
                || view.upperLayerProtocol() == Protocols.ICMPV6 && view.icmpv6Type() >= 0
                        && view.icmpv6Type() < Protocols.ICMPV6_ECHO_REQUEST
                || !errors.allow(sh, now)) {
            stats.errorsSuppressed++;
            return;
        }
        byte[] b = errorTx;
        int quoted = Math.min(view.packetLength(), MIN_MTU - Ipv6View.HEADER_LENGTH - ICMP_HEADER);
        int upper = ICMP_HEADER + quoted;
        b[0] = 0x60;
        b[1] = 0;
        b[2] = 0;
        b[3] = 0;
        b[4] = (byte) (upper >>> 8);
        b[5] = (byte) upper;
        b[Ipv6View.NEXT_HEADER_OFFSET] = (byte) Protocols.ICMPV6;
        b[Ipv6View.HOP_LIMIT_OFFSET] = (byte) MobilitySender.HOP_LIMIT;
        putLong(b, Ipv6View.SOURCE_OFFSET, address.high());
        putLong(b, Ipv6View.SOURCE_OFFSET + 8, address.low());
        putLong(b, Ipv6View.DESTINATION_OFFSET, sh);
        putLong(b, Ipv6View.DESTINATION_OFFSET + 8, sl);
        int h = Ipv6View.HEADER_LENGTH;
        b[h] = (byte) type;
        b[h + 1] = (byte) code;
        b[h + 2] = 0;
        b[h + 3] = 0;
        b[h + 4] = (byte) (word >>> 24);
        b[h + 5] = (byte) (word >>> 16);
        b[h + 6] = (byte) (word >>> 8);
        b[h + 7] = (byte) word;
        System.arraycopy(packet, offset, b, h + ICMP_HEADER, quoted);
        // RFC 4443 §2.3: the checksum covers the RFC 8200 §8.1 pseudo-header (addresses, length, Next Header 58)
        long sum = Checksums.sum(b, Ipv6View.SOURCE_OFFSET, 32) + upper + Protocols.ICMPV6 + Checksums.sum(b, h, upper);
        int c = ~Checksums.fold(sum) & 0xffff;
        b[h + 2] = (byte) (c >>> 8);
        b[h + 3] = (byte) c;
        stats.errorsSent++;
        io.send(b, 0, h + upper);
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    /**
     * RFC 2473 §8: errors inside a tunnel are reported to its entry point. A Destination Unreachable about a
     * packet this agent tunnelled to a responder suggests the responder is gone (the hot swap of the Pseudo MIPv6
      * paper, on the
     * agent's side). It is taken only if the quoted outer header carries the Flow Label the agent wrote for that
     * inner source and care-of address ({@link TunnelLabels}), and then only as a hint: the bindings named are
     * probed with a Binding Refresh Request and dropped if no authenticated refresh answers in time (see
     * {@link Registrar#suspect}). A forged error costs the attacker a 2<sup>-20</sup> guess and, at worst, one
     * probe.
     *
     * @param in the received packet, classified
     * @param now the current time
     */
    public void tunnelError(Inbound in, long now) {
        if (!(in.icmpv6() instanceof Icmpv6Message.DestinationUnreachable du)) {
            stats.malformed++;
            return;
        }
        // the invoking packet is our tunnel packet: outer header (us -> care-of, Next Header 41), then the inner
        // header whose destination names the anycast address; routers quote far more than these 80 octets
        // (RFC 4443 §3.1: as much as fits in 1280)
        byte[] inv = du.invoking().toArray();
        if (inv.length < QUOTED || (inv[0] & 0xf0) != 0x60
                || (inv[Ipv6View.NEXT_HEADER_OFFSET] & 0xff) != Protocols.IPV6_IN_IPV6
                || !Ipv6Address.read(inv, Ipv6View.SOURCE_OFFSET).equals(address)) {
            stats.dropped++;
            return;
        }
        Ipv6Address dead = Ipv6Address.read(inv, Ipv6View.DESTINATION_OFFSET);
        Ipv6Address innerSource = Ipv6Address.read(inv, Ipv6View.HEADER_LENGTH + Ipv6View.SOURCE_OFFSET);
        Ipv6Address anycast = Ipv6Address.read(inv, Ipv6View.HEADER_LENGTH + Ipv6View.DESTINATION_OFFSET);
        int label = (inv[1] & 0x0f) << 16 | (inv[2] & 0xff) << 8 | (inv[3] & 0xff);
        if (!labels.isOurs(label, innerSource.high(), innerSource.low(), dead.high(), dead.low())) {
            stats.forgedErrors++;
            return;
        }
        registrar.suspect(anycast, dead.high(), dead.low(), now);
    }

    /**
     * RFC 6275 §10.5.1: answers a DHAAD Request with this agent and its peers, straight to the request's source,
     * trimmed so that the reply fits in 1280 octets.
     *
     * @param in the received request, classified
     * @param now the current time
     */
    public void dhaad(Inbound in, long now) {
        Ipv6Packet p = in.packet();
        if (!(in.icmpv6() instanceof Icmpv6Message.HaadRequest req)) {
            stats.malformed++;
            return;
        }
        // never to ourselves or an anycast address (the reply would be tunnelled to a responder), and bounded:
        // the reply is larger than the request
        Ipv6Address src = p.header().source();
        if (!src.isUnicastRoutable() || src.equals(address) || registrar.serves(src.high(), src.low())
                || !replies.allow(src.high(), now)) {
            stats.dropped++;
            return;
        }
        List<Ipv6Address> list = new ArrayList<>(1 + peers.size());
        list.add(address);
        list.addAll(peers);
        List<Ipv6Address> fit = list.subList(0, Math.min(list.size(), (1280 - 48) / 16));
        sender.send(Ipv6Packet.build(Ipv6Header.of(MobilitySender.HOP_LIMIT, address, src),
                List.of(), new Icmpv6(new Icmpv6Message.HaadReply(0, req.identifier(), 0, fit))));
    }
}
