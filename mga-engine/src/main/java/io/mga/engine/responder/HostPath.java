package io.mga.engine.responder;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.PacketIo;
import io.mga.engine.mobility.MobilitySender;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.PacketEncoder;
import io.mga.wire.fast.Encapsulation;
import io.mga.wire.fast.Ipv6View;
import java.util.List;

/**
 * Host delivery: the responder hands what the agents tunnel to it to the host's own IPv6 stack (a TUN device, in
 * practice) and carries the host applications' replies back. The boundary between the network and the host is
 * here, and every packet that crosses it is checked (the caller checks the outer packet; this room the inner):
 *
 * <ul>
 *   <li>inward, only a packet whose inner destination is the anycast address and whose inner source is a
 *       routable unicast address other than the anycast and care-of addresses reaches the host (RFC 6275
 *       §10.4.5's rule for the home agent's reverse tunnel, applied at the other end: nothing the tunnel carries
 *       may claim to come from the node itself);</li>
 *   <li>outward, only a packet whose source is the anycast address leaves, to a routable unicast destination:
 *       the responder never relays what the host sends from other addresses (its kernel's Router Solicitations,
 *       MLD reports, anything from other sources are dropped and counted);</li>
 *   <li>a reply too large for the tunnel is answered with an ICMPv6 Packet Too Big toward the host (RFC 2473
 *       §7.1, RFC 4443 §3.2), rate-limited (RFC 4443 §2.4 (f)), never dropped silently.</li>
 * </ul>
 *
 * <p>Each reply goes back to the agent that delivered the last packet from its destination (a direct-mapped
 * table of {@value #FLOWS} entries, bounded, no allocation; a collision falls back to the first registered agent,
 * which is right whenever there is one agent, and otherwise still reaches the initiator through a registered
 * agent). The encapsulation is written into one reused buffer: no allocation per packet on this path.
 *
 * <p>Single-threaded: the responder's thread.
 */
public final class HostPath {
    /** Entries of the reply-to-agent table. */
    public static final int FLOWS = 4096;
    /** The smallest tunnel MTU accepted: the inner path MTU is then at least IPv6's minimum, 1280 (RFC 8200 §5). */
    public static final int MIN_LINK_MTU = 1280 + Encapsulation.OVERHEAD;
    /** Packet Too Big messages are sent at most once per this many nanoseconds (RFC 4443 §2.4 (f)). */
    static final long PTB_INTERVAL = 10_000_000L;

    /** What became of a packet from the host. */
    public enum Verdict {
        /** Tunnelled to an agent. */
        TUNNELLED,
        /** Route-optimised: the caller sends it directly. */
        DIRECT,
        /** Not from the anycast address, or to a destination it must not reach: dropped and counted. */
        REFUSED,
        /** Too large for the tunnel: a Packet Too Big went to the host (or was rate-limited). */
        TOO_BIG,
        /** No agent registered: dropped and counted. */
        NO_AGENT
    }

    private final Ipv6Address anycast;
    private final Ipv6Address careOf;
    private final PacketIo host;
    private final PacketIo net;
    private final int linkMtu;
    private final long[] flowHigh = new long[FLOWS];
    private final long[] flowLow = new long[FLOWS];
    private final Ipv6Address[] flowAgent = new Ipv6Address[FLOWS];
    private final byte[] out = new byte[Encapsulation.MAX_INNER_LENGTH + Encapsulation.OVERHEAD];
    private final Ipv6View view = new Ipv6View();
    private long lastPtb = Long.MIN_VALUE;
    private long delivered;
    private long tunnelled;
    private long refused;
    private long tooBig;
    private long noAgent;

    /**
     * @param anycast the anycast address served
     * @param careOf the responder's care-of address (the tunnel's outer source)
     * @param host where packets for the host's stack go (a TUN device)
     * @param net where tunnelled packets go (the responder's interface)
     * @param linkMtu the MTU of the path to the agents, at least {@link #MIN_LINK_MTU}
     */
    public HostPath(Ipv6Address anycast, Ipv6Address careOf, PacketIo host, PacketIo net, int linkMtu) {
        if (linkMtu < MIN_LINK_MTU || linkMtu > Encapsulation.MAX_INNER_LENGTH) {
            throw new IllegalArgumentException("the tunnel's link MTU must be " + MIN_LINK_MTU + " to 65535, got "
                    + linkMtu);
        }
        this.anycast = anycast;
        this.careOf = careOf;
        this.host = java.util.Objects.requireNonNull(host, "host");
        this.net = java.util.Objects.requireNonNull(net, "net");
        this.linkMtu = linkMtu;
    }

    /** @return the MTU the host side must use so that its packets fit the tunnel: the link MTU less 40 */
    public int innerMtu() {
        return linkMtu - Encapsulation.OVERHEAD;
    }

    /**
     * Checks the inner packet of a tunnelled packet from an agent and hands it to the host.
     *
     * @param packet the buffer
     * @param offset where the inner IPv6 header starts
     * @param length its octets
     * @param agent the agent that tunnelled it (the caller checked the outer source)
     * @return {@link Refusal#NONE} when it went to the host, else why not (the caller counts it)
     */
    public Refusal deliver(byte[] packet, int offset, int length, Ipv6Address agent) {
        if (!view.wrap(packet, offset, length)) {
            return Refusal.MALFORMED;
        }
        if (!view.destinationEquals(anycast)) {
            return Refusal.NOT_FOR_ANYCAST;
        }
        long sh = view.sourceHigh();
        long sl = view.sourceLow();
        // a source the host would take for itself or answer to a group: never handed in (no injection through us)
        if (view.sourceEquals(anycast) || view.sourceEquals(careOf) || !Ipv6Address.isUnicastRoutable(sh, sl)) {
            return Refusal.SPOOFED_SOURCE;
        }
        int slot = slot(sh, sl);
        if (flowHigh[slot] != sh || flowLow[slot] != sl || flowAgent[slot] != agent) {
            flowHigh[slot] = sh;
            flowLow[slot] = sl;
            flowAgent[slot] = agent;
        }
        host.send(packet, offset, view.packetLength());
        delivered++;
        return Refusal.NONE;
    }

    /** Whether a destination is route-optimised (then the caller sends the reply directly). */
    @FunctionalInterface
    public interface Direct {
        /**
         * @param high the destination's first 64 bits
         * @param low its last 64 bits
         * @return true when route-optimised
         */
        boolean bound(long high, long low);
    }

    /** Why an inner packet was not handed to the host. */
    public enum Refusal {
        /** It was handed over. */
        NONE,
        /** Its header chain did not parse. */
        MALFORMED,
        /** Its destination is not the anycast address. */
        NOT_FOR_ANYCAST,
        /** Its source is the anycast or care-of address, or not a routable unicast address. */
        SPOOFED_SOURCE
    }

    /**
     * A packet the host sent out of its TUN device.
     *
     * @param packet the buffer
     * @param offset where the IPv6 header starts
     * @param length its octets
     * @param fallback the first registered agent, asked only when the table has no entry (may be null)
     * @param direct whether the destination is route-optimised (may be null: never)
     * @param now the current time
     * @return the verdict
     */
    public Verdict fromHost(byte[] packet, int offset, int length, java.util.function.Supplier<Ipv6Address> fallback,
            Direct direct, long now) {
        if (!view.wrap(packet, offset, length) || !view.sourceEquals(anycast)
                || !Ipv6Address.isUnicastRoutable(view.destinationHigh(), view.destinationLow())
                || view.destinationEquals(anycast) || view.destinationEquals(careOf)) {
            refused++;
            return Verdict.REFUSED;
        }
        int len = view.packetLength();
        long dh = view.destinationHigh();
        long dl = view.destinationLow();
        if (direct != null && direct.bound(dh, dl)) {
            return Verdict.DIRECT;
        }
        if (len + Encapsulation.OVERHEAD > linkMtu) {
            tooBig++;
            packetTooBig(packet, offset, len, now);
            return Verdict.TOO_BIG;
        }
        int slot = slot(dh, dl);
        Ipv6Address agent = flowHigh[slot] == dh && flowLow[slot] == dl ? flowAgent[slot] : null;
        if (agent == null && fallback != null) {
            agent = fallback.get();
        }
        if (agent == null) {
            noAgent++;
            return Verdict.NO_AGENT;
        }
        // RFC 2473 §3.1/§6: the tunnel entry point prepends a header from itself to the exit point; the inner
        // packet is not changed (its hop limit was decremented by the host's stack, which sent it)
        int n = Encapsulation.wrapCopy(packet, offset, len, out, 0, careOf, agent, MobilitySender.HOP_LIMIT);
        net.send(out, 0, n);
        tunnelled++;
        return Verdict.TUNNELLED;
    }

    /**
     * RFC 2473 §7.1: the entry point answers a packet too large for the tunnel with a Packet Too Big giving the
     * tunnel MTU less the encapsulation; RFC 4443 §3.2: as much of the invoking packet as fits in 1280 octets;
     * §2.4 (f): rate-limited.
     */
    private void packetTooBig(byte[] packet, int offset, int length, long now) {
        if (lastPtb != Long.MIN_VALUE && now - lastPtb < PTB_INTERVAL) {
            return;
        }
        lastPtb = now;
        int keep = Math.min(length, 1280 - Encapsulation.OVERHEAD - 8);
        Ipv6Packet ptb = Ipv6Packet.build(Ipv6Header.of(MobilitySender.HOP_LIMIT, careOf, anycast), List.of(),
                new Icmpv6(new Icmpv6Message.PacketTooBig(0, innerMtu(), Bytes.copyOf(packet, offset, keep))));
        byte[] b = PacketEncoder.encode(ptb);
        host.send(b, 0, b.length);
    }

    private static int slot(long high, long low) {
        long h = (high ^ Long.rotateLeft(low, 29)) * 0x9e37_79b9_7f4a_7c15L;
        return (int) (h >>> 52) & (FLOWS - 1);
    }

    /** @return inner packets handed to the host */
    public long delivered() {
        return delivered;
    }

    /** @return host packets tunnelled to an agent */
    public long tunnelled() {
        return tunnelled;
    }

    /** @return host packets refused (source not the anycast address, or a destination not allowed) */
    public long refused() {
        return refused;
    }

    /** @return host packets too large for the tunnel (each answered by a Packet Too Big unless rate-limited) */
    public long tooBig() {
        return tooBig;
    }

    /** @return host packets dropped because no agent was registered */
    public long noAgent() {
        return noAgent;
    }
}
