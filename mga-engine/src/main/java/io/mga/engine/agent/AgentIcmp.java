package io.mga.engine.agent;

import io.mga.api.Ipv6Address;
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
 * What the agent does with ICMPv6: errors about its tunnels (RFC 2473 §8) and Dynamic Home Agent Address
 * Discovery (RFC 6275 §10.5.1). Single-threaded.
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
     * @param address the agent's address
     * @param peers the other agents of the home link, listed after this one in DHAAD replies
     * @param registrar the registration pipeline (drops bindings an error names)
     * @param sender the agent's sender
     * @param stats the agent's counters
     * @param labels the outer Flow Labels the agent writes
     * @param limiterKey the secret of the reply limiter's table
     */
    public AgentIcmp(Ipv6Address address, List<Ipv6Address> peers, Registrar registrar, MobilitySender sender,
            AgentStats stats, TunnelLabels labels, long limiterKey) {
        this.address = address;
        this.peers = List.copyOf(peers);
        this.registrar = registrar;
        this.sender = sender;
        this.stats = stats;
        this.labels = labels;
        this.replies = new AnswerLimiter(100_000_000L, 5_000_000L, 10, 1024, limiterKey);
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
