package io.mga.engine.agent;

import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.PacketHandler;
import io.mga.api.PacketIo;
import io.mga.api.SelectionPolicy;
import io.mga.wire.fast.Encapsulation;
import io.mga.wire.fast.Ipv6View;
import io.mga.wire.fast.Protocols;
import io.mga.wire.mga.HomeAgentsAnycast;

/**
 * The agent's data plane: each received packet's flyweight wrap and first classification ({@link #receive}: a
 * served anycast address is forwarded here, the agent's own address and DHAAD go back to the agent), lookup of
 * the anycast destination, selection among its bindings (pin, else policy, then pinned), IPv6-in-IPv6
 * encapsulation to the chosen care-of address (RFC 2473), the reverse tunnel, and the burst look-ahead.
 * Allocation-free per packet; final fields and monomorphic calls only. Single-threaded.
 *
 * <p>What a tunnel packet carries: a 40-octet outer header and no extension header, unless the packet to tunnel
 * is itself a tunnel packet with a Tunnel Encapsulation Limit (RFC 2473 §4.1.1): then the limit less one goes
 * into a Destination Options header of the agent's tunnel header, or, at 0, the packet is refused with a
 * Parameter Problem. The agent inserts no limit of its own into ordinary packets: they are not nested, the care-of
 * addresses that would lead back to the agent are refused at registration (status 174), and the bare 40-octet
 * header keeps the tunnel MTU at the link MTU less 40 and the one-binding path one copy and one header write.
 */
public final class Forwarder {
    /** Packets whose lookups are started together by {@link #burst}: about what a core keeps in flight. */
    public static final int BURST = 16;
    /**
     * The table size (rows, 36 octets each) from which {@link #burst} looks ahead: 2<sup>15</sup> rows are
     * 1.1 MiB, about half a server core's L2 cache. Below it the table stays in the caches, and the look-ahead's
     * own work costs more than the misses it hides (measured: 37.4M against 42.7M packets/s at 1k bindings).
     */
    public static final int LOOK_AHEAD_ROWS = 1 << 15;
    /** The pin table size (entries, 32 octets each) from which {@link #burst} looks ahead: 1 MiB. */
    public static final int LOOK_AHEAD_PINS = 1 << 15;

    /** {@link #receive}: the packet was handled (forwarded, or dropped and counted). */
    public static final int HANDLED = 0;
    /** {@link #receive}: the packet is for the agent's own address (the view is wrapped around it). */
    public static final int TO_AGENT = 1;
    /** {@link #receive}: a DHAAD request to a served Home-Agents anycast address (the view is wrapped around it). */
    public static final int DHAAD = 2;

    private final Ipv6View view;
    private final long addressHigh;
    private final long addressLow;
    private final int tunnelHopLimit;
    private final PacketIo io;
    private final BindingCache cache;
    private final PinTable pins;
    private final SelectionPolicy policy;
    private final CandidateView candidates;
    private final AgentStats stats;
    private final TunnelLabels labels;
    private final ServedPrefixes served;
    private final AgentIcmp icmp;
    /** The largest packet the tunnel takes: the link MTU less the tunnel header, at most 65535 (Payload Length). */
    private final int tunnelMtu;
    // the reverse tunnel's token bucket per binding slot (generic cell rate: each cell is a theoretical arrival
    // time), and the slot generation the cell belongs to: a slot handed to another binding starts full
    private final long reverseInterval;
    private final long reverseTolerance;
    private long[] reverseCells = new long[0];
    private int[] reverseGenerations = new int[0];
    private final Ipv6View inner = new Ipv6View();
    private final byte[] tx = new byte[Encapsulation.OVERHEAD + LIMIT_HEADER + 65535 + Ipv6View.HEADER_LENGTH];
    /** The Destination Options header carrying a Tunnel Encapsulation Limit: 8 octets (RFC 2473 §5.1). */
    private static final int LIMIT_HEADER = 8;
    /** The Tunnel Encapsulation Limit option's type (RFC 2473 §5.1). */
    private static final int LIMIT_OPTION = 4;
    // the burst's look-ahead: each packet's destination and home row, the table layout they were taken under, the
    // packet being handled (-1: none), and what the reads returned (kept so that the reads are not dead code)
    private final long[] aheadHigh = new long[BURST];
    private final long[] aheadLow = new long[BURST];
    private final int[] aheadHome = new int[BURST];
    private final long[] aheadSourceHigh = new long[BURST];
    private final long[] aheadSourceLow = new long[BURST];
    private final int[] aheadPinSet = new int[BURST];
    private final long[] aheadRead = new long[BURST];
    private int aheadLayout;
    private int ahead = -1;
    private long lookAheadHits;

    /**
     * @param addressHigh the high half of the agent's address (the tunnels' entry point)
     * @param addressLow its low half
     * @param tunnelHopLimit the outer hop limit
     * @param io where packets go
     * @param cache the binding cache
     * @param maxPins the bound of the pin table (0: no pinning)
     * @param pinIdleNanos how long a pin lasts without a packet
     * @param pinKey the pin table's hash secret
     * @param policy the selection policy
     * @param stats the agent's counters
     * @param labels the outer Flow Labels
     * @param served the anycast prefixes served
     * @param icmp the agent's ICMPv6 room, which sends Packet Too Big and Parameter Problem
     * @param linkMtu the MTU of the link the tunnels leave by
     * @param reversePacketsPerSecond the reverse tunnel's long-run rate per binding
     * @param reverseBurst how many packets a binding may reverse-tunnel at once
     * @param view the agent's flyweight, which {@link #receive} wraps around each packet and the agent reads on
     */
    public Forwarder(long addressHigh, long addressLow, int tunnelHopLimit, PacketIo io, BindingCache cache,
            int maxPins, long pinIdleNanos, long pinKey, SelectionPolicy policy, AgentStats stats,
            TunnelLabels labels, java.util.List<Ipv6Prefix> served, AgentIcmp icmp, int linkMtu,
            int reversePacketsPerSecond, int reverseBurst, Ipv6View view) {
        this.view = view;
        this.addressHigh = addressHigh;
        this.addressLow = addressLow;
        this.tunnelHopLimit = tunnelHopLimit;
        this.io = io;
        this.cache = cache;
        this.pins = maxPins > 0 ? new PinTable(maxPins, pinIdleNanos, pinKey) : null;
        this.policy = policy;
        this.candidates = new CandidateView(cache);
        this.stats = stats;
        this.labels = labels;
        this.served = new ServedPrefixes(served);
        this.icmp = icmp;
        this.tunnelMtu = Math.min(linkMtu - Encapsulation.OVERHEAD, Encapsulation.MAX_INNER_LENGTH);
        if (tunnelMtu < 1280 + LIMIT_HEADER || reversePacketsPerSecond < 1 || reverseBurst < 1) {
            throw new IllegalArgumentException("link MTU below 1328, or reverse tunnel rate not positive");
        }
        this.reverseInterval = Math.max(1L, 1_000_000_000L / reversePacketsPerSecond);
        this.reverseTolerance = reverseInterval * (reverseBurst - 1L);
    }


    /**
     * @param now the current time
     * @return the number of pins in force (a scan of the pinning table)
     */
    public int pinCount(long now) {
        return pins == null ? 0 : pins.count(cache, now);
    }

    /**
     * The pins in force per binding slot (a scan of the pinning table, for inspection: not the data path).
     *
     * @param now the current time
     * @return an array indexed by binding slot, {@link BindingCache#slotLimit()} long
     */
    public int[] pinsPerSlot(long now) {
        int[] per = new int[cache.slotLimit()];
        if (pins != null) {
            pins.count(cache, now, per);
        }
        return per;
    }

    /** @return lookups that started from a row the burst look-ahead computed (for tests and benchmarks) */
    public long lookAheadHits() {
        return lookAheadHits;
    }

    /**
     * Handles a burst as {@code handler} would each packet, but, once the binding table or the pin table outgrows
     * the caches ({@value #LOOK_AHEAD_ROWS} rows, {@value #LOOK_AHEAD_PINS} pins), first computes every packet's
     * home row in the binding table (and its set in the pin table) and reads it, {@value #BURST} packets at a
     * time, so that the misses of a whole burst are in flight together (memory-level parallelism) instead of one
     * per packet in turn; each lookup then starts from the row already computed, if the packet's addresses are
     * still those read ahead and the table has not been resized since. The look-ahead only reads; what each packet
     * then does is exactly what {@code handler.receive} does. A call made from inside a burst (from the sink or a
     * listener) handles its packets one by one.
     *
     * @param buffer the packets' buffer
     * @param offsets each packet's offset
     * @param lengths each packet's length
     * @param first the first index
     * @param count how many
     * @param now the current time
     * @param handler the agent, whose {@code receive} comes back to {@link #receive} for each packet
     */
    public void burst(byte[] buffer, int[] offsets, int[] lengths, int first, int count, long now,
            PacketHandler handler) {
        java.util.Objects.checkFromIndexSize(first, count, Math.min(offsets.length, lengths.length));
        int end = first + count;
        boolean aheadPins = pins != null && pins.entries() >= LOOK_AHEAD_PINS;
        // re-entered from inside a burst (a send or a listener calling back): the look-ahead's arrays are the outer
        // burst's, so this one goes one packet at a time
        if (ahead >= 0 || cache.tableRows() < LOOK_AHEAD_ROWS && !aheadPins) {
            for (int i = first; i < end; i++) {
                handler.receive(buffer, offsets[i], lengths[i], now);
            }
            return;
        }
        try {
            for (int b = first, e; b < end; b = e) {
                e = b + Math.min(BURST, end - b);
                for (int i = b; i < e; i++) {
                    int off = offsets[i];
                    int k = i - b;
                    long dh = Ipv6View.peekDestinationHigh(buffer, off);
                    long dl = Ipv6View.peekDestinationLow(buffer, off);
                    int home = cache.homeRow(dh, dl);
                    aheadHigh[k] = dh;
                    aheadLow[k] = dl;
                    aheadHome[k] = home;
                    long t = cache.touchRow(home);
                    if (aheadPins) {
                        long sh = Ipv6View.peekSourceHigh(buffer, off);
                        long sl = Ipv6View.peekSourceLow(buffer, off);
                        int set = pins.setOf(sh, sl, dh, dl);
                        aheadSourceHigh[k] = sh;
                        aheadSourceLow[k] = sl;
                        aheadPinSet[k] = set;
                        t += pins.touch(set);
                    } else {
                        aheadPinSet[k] = -1;
                    }
                    aheadRead[k] = t;
                }
                aheadLayout = cache.layout();
                for (int i = b; i < e; i++) {
                    ahead = i - b;
                    handler.receive(buffer, offsets[i], lengths[i], now);
                }
            }
        } finally {
            ahead = -1;
        }
    }

    /**
     * The agent's receive path for every packet: wraps the flyweight around it, forwards what is for a served
     * anycast address, drops and counts the malformed and the unserved, and leaves the rest to the agent. The data
     * path starts from this object's fields (the view, the served prefixes, the counters, the binding cache), with
     * no hop through the agent or the registrar.
     *
     * @param packet the buffer
     * @param offset where the packet starts
     * @param length its length
     * @param now the current time
     * @return {@link #HANDLED}, {@link #TO_AGENT} or {@link #DHAAD}
     */
    public int receive(byte[] packet, int offset, int length, long now) {
        Ipv6View v = view;
        stats.received++;
        if (!v.wrap(packet, offset, length)) {
            stats.malformed++;
            return HANDLED;
        }
        long dh = v.destinationHigh();
        long dl = v.destinationLow();
        if (dh == addressHigh && dl == addressLow) {
            return TO_AGENT;
        }
        if (!served.contains(dh, dl)) {
            stats.dropped++;
            return HANDLED;
        }
        if (HomeAgentsAnycast.isInterfaceId(dl) && v.icmpv6Type() == Protocols.ICMPV6_HAAD_REQUEST) {
            return DHAAD;
        }
        forward(packet, offset, v, dh, dl, now);
        return HANDLED;
    }

    /** The binding table's row for a destination, from the burst's look-ahead when it holds for this packet. */
    private int findRow(long dh, long dl) {
        int k = ahead;
        if (k >= 0 && aheadHigh[k] == dh && aheadLow[k] == dl && aheadLayout == cache.layout()) {
            lookAheadHits++;
            return cache.findRowFrom(aheadHome[k], dh, dl);
        }
        return cache.findRow(dh, dl);
    }

    /**
     * Tunnels a packet for a served anycast address to a responder (RFC 2473), or counts why not.
     *
     * @param packet the buffer
     * @param offset where the packet starts
     * @param view the packet, wrapped
     * @param dh the high half of its destination
     * @param dl its low half
     * @param now the current time
     */
    public void forward(byte[] packet, int offset, Ipv6View view, long dh, long dl, long now) {
        int row = findRow(dh, dl);
        // the common case (one binding, everything in the row just read) stays short so that it is compiled into
        // the caller; no binding, several bindings and the rare drops are out of line
        if (row == BindingCache.NONE || cache.hasMoreAt(row)) {
            forwardChosen(packet, offset, view, dh, dl, row, now);
            return;
        }
        cache.markUsedAt(row); // for the liveness probes (Registrar): this binding carries traffic
        tunnel(packet, offset, view, cache.careOfHighAt(row), cache.careOfLowAt(row), now);
    }

    /** No binding, or the Advanced Model's choice among several. */
    private void forwardChosen(byte[] packet, int offset, Ipv6View view, long dh, long dl, int row, long now) {
        if (row == BindingCache.NONE) {
            stats.noBinding++;
            return;
        }
        int slot = choose(cache.slotAt(row), view.sourceHigh(), view.sourceLow(), dh, dl, now);
        cache.markUsed(slot);
        tunnel(packet, offset, view, cache.careOfHigh(slot), cache.careOfLow(slot), now);
    }

    /** Encapsulates the packet to a care-of address and sends it (RFC 2473), or counts why not. */
    private void tunnel(byte[] packet, int offset, Ipv6View view, long ch, long cl, long now) {
        int len = view.packetLength();
        // forwarding into a tunnel is one hop for the inner packet (RFC 2473 §3.1); read from the packet, not
        // from the copy, so that the read does not wait on the copy's stores
        int hop = packet[offset + Ipv6View.HOP_LIMIT_OFFSET] & 0xff;
        // too large, hop limit spent, or itself a tunnel packet (which may carry an encapsulation limit): out of line
        if (len > tunnelMtu || hop <= 1 || view.upperLayerProtocol() == Protocols.IPV6_IN_IPV6) {
            tunnelRare(packet, offset, view, ch, cl, len, hop, now);
            return;
        }
        System.arraycopy(packet, offset, tx, Encapsulation.OVERHEAD, len);
        tx[Encapsulation.OVERHEAD + Ipv6View.HOP_LIMIT_OFFSET] = (byte) (hop - 1);
        int start = Encapsulation.wrapInPlace(tx, Encapsulation.OVERHEAD, len, addressHigh, addressLow, ch, cl,
                tunnelHopLimit, labels.label(view.sourceHigh(), view.sourceLow(), ch, cl));
        stats.forwarded++;
        io.send(tx, start, len + Encapsulation.OVERHEAD);
    }

    /**
     * The rare cases of {@link #tunnel}: a spent hop limit, a tunnel packet with a Tunnel Encapsulation Limit
     * (RFC 2473 §4.1.1), a packet too large for the tunnel (RFC 2473 §7.1).
     */
    private void tunnelRare(byte[] packet, int offset, Ipv6View view, long ch, long cl, int len, int hop, long now) {
        if (hop <= 1) {
            stats.dropped++;
            return;
        }
        int limit = -1;
        if (view.upperLayerProtocol() == Protocols.IPV6_IN_IPV6) {
            int at = encapsulationLimitAt(packet, offset, view.upperLayerOffset());
            if (at >= 0) {
                limit = packet[at] & 0xff;
                if (limit == 0) {
                    // RFC 2473 §4.1.1: a limit of 0 MUST NOT be encapsulated again; the packet is discarded and
                    // its source (the previous entry point) gets a Parameter Problem, code 0, pointing at the value
                    icmp.encapsulationLimitReached(packet, offset, view, at - offset, now);
                    return;
                }
            }
        }
        int extra = limit > 0 ? LIMIT_HEADER : 0;
        int mtu = tunnelMtu - extra;
        if (len > mtu) {
            // RFC 2473 §7.1: a packet larger than the tunnel MTU (and than 1280) is not tunnelled; its source gets
            // a Packet Too Big with the tunnel MTU; RFC 4443 §3.2; also when the outer Payload Length (16 bits)
            // could not hold it
            icmp.packetTooBig(packet, offset, view, mtu, now);
            return;
        }
        int inner = Encapsulation.OVERHEAD + extra;
        System.arraycopy(packet, offset, tx, inner, len);
        tx[inner + Ipv6View.HOP_LIMIT_OFFSET] = (byte) (hop - 1);
        if (extra > 0) {
            // RFC 2473 §4.1.1, §5.1: the tunnel header carries the received limit less one, in a Destination
            // Options header: Next Header 41, length 0 (8 octets), the option (type 4, length 1, value), PadN of 1
            int d = Encapsulation.OVERHEAD;
            tx[d] = (byte) Protocols.IPV6_IN_IPV6;
            tx[d + 1] = 0;
            tx[d + 2] = (byte) LIMIT_OPTION;
            tx[d + 3] = 1;
            tx[d + 4] = (byte) (limit - 1);
            tx[d + 5] = 1;
            tx[d + 6] = 1;
            tx[d + 7] = 0;
        }
        int start = Encapsulation.wrapInPlace(tx, Encapsulation.OVERHEAD, len + extra, addressHigh, addressLow, ch,
                cl, tunnelHopLimit, labels.label(view.sourceHigh(), view.sourceLow(), ch, cl));
        if (extra > 0) {
            tx[start + Ipv6View.NEXT_HEADER_OFFSET] = (byte) Protocols.DESTINATION_OPTIONS;
        }
        stats.forwarded++;
        io.send(tx, start, len + extra + Encapsulation.OVERHEAD);
    }

    /**
     * Where the value of a Tunnel Encapsulation Limit option sits in a tunnel packet: the first such option in a
     * Destination Options header between the packet's fixed header and its inner packet (RFC 2473 §4.1.1), or -1.
     * The chain was checked by the view's walk (every header within the packet, at most 16 of them).
     */
    private static int encapsulationLimitAt(byte[] b, int offset, int upper) {
        int next = b[offset + Ipv6View.NEXT_HEADER_OFFSET] & 0xff;
        int pos = offset + Ipv6View.HEADER_LENGTH;
        while (pos < upper) {
            int len = b[pos + 1] & 0xff;
            int total = next == Protocols.FRAGMENT ? 8
                    : next == Protocols.AUTHENTICATION_HEADER ? (len + 2) * 4 : (len + 1) * 8;
            if (next == Protocols.DESTINATION_OPTIONS) {
                int end = Math.min(pos + total, upper);
                for (int p = pos + 2; p + 1 < end;) {
                    int type = b[p] & 0xff;
                    if (type == 0) {
                        p++;
                        continue;
                    }
                    int olen = b[p + 1] & 0xff;
                    if (type == LIMIT_OPTION && olen == 1 && p + 2 < end) {
                        return p + 2;
                    }
                    p += 2 + olen;
                }
            }
            next = b[pos] & 0xff;
            pos += total;
        }
        return -1;
    }

    /** Advanced Model, several bindings: the initiator's pin if it holds, else the policy's choice, then pinned. */
    private int choose(int head, long sh, long sl, long dh, long dl, long now) {
        int set = -1;
        if (pins != null) {
            set = pinSet(sh, sl, dh, dl);
            int pinned = pins.get(set, sh, sl, dh, dl, cache, now);
            if (pinned != BindingCache.NONE) {
                return pinned;
            }
        }
        int n = 0;
        int[] slots = candidates.slots;
        for (int s = head; s != BindingCache.NONE && n < slots.length; s = cache.next(s)) {
            slots[n++] = s;
        }
        candidates.size = n;
        int slot = slots[Math.floorMod(policy.select(sh, sl, candidates), n)];
        if (pins != null) {
            pins.put(set, sh, sl, slot, cache, now);
        }
        return slot;
    }

    /** The pin table's set for an initiator and anycast address, from the burst's look-ahead when it holds. */
    private int pinSet(long sh, long sl, long dh, long dl) {
        int k = ahead;
        if (k >= 0 && aheadPinSet[k] >= 0 && aheadSourceHigh[k] == sh && aheadSourceLow[k] == sl
                && aheadHigh[k] == dh && aheadLow[k] == dl) {
            return aheadPinSet[k];
        }
        return pins.setOf(sh, sl, dh, dl);
    }

    /**
     * Decapsulates a reverse-tunnelled packet and sends it on; RFC 6275 §10.4.5: the outer source must be the
     * registered care-of address of a binding of the inner source (an anycast address).
     *
     * @param packet the buffer (its inner hop limit is decremented in place)
     * @param view the outer packet, wrapped
     * @param now the current time
     */
    public void reverseTunnel(byte[] packet, Ipv6View view, long now) {
        int off = view.upperLayerOffset();
        if (!inner.wrap(packet, off, view.upperLayerLength())) {
            stats.malformed++;
            return;
        }
        int slot = BindingCache.NONE;
        long ch = view.sourceHigh();
        long cl = view.sourceLow();
        for (int s = cache.find(inner.sourceHigh(), inner.sourceLow()); s != BindingCache.NONE; s = cache.next(s)) {
            if (cache.careOfHigh(s) == ch && cache.careOfLow(s) == cl) {
                slot = s;
                break;
            }
        }
        if (slot == BindingCache.NONE) {
            stats.dropped++;
            return;
        }
        // the reverse tunnel is no open relay: what leaves it goes to a global unicast address outside the anycast
        // prefixes and not to the agent itself (never to ff02::1 on the home link, never back into a tunnel)
        long dh = inner.destinationHigh();
        long dl = inner.destinationLow();
        if (!Ipv6Address.isUnicastRoutable(dh, dl) || dh == addressHigh && dl == addressLow || served.contains(dh, dl)) {
            stats.dropped++;
            return;
        }
        int hop = packet[off + Ipv6View.HOP_LIMIT_OFFSET] & 0xff;
        if (hop <= 1) {
            stats.dropped++;
            return;
        }
        if (!reverseAllowed(slot, now)) {
            stats.reverseLimited++;
            return;
        }
        packet[off + Ipv6View.HOP_LIMIT_OFFSET] = (byte) (hop - 1);
        stats.reverseForwarded++;
        io.send(packet, off, inner.packetLength());
    }

    /**
     * The reverse tunnel's rate limit, a token bucket per binding kept as a generic cell rate: a packet passes if
     * its binding's theoretical arrival time is at most the tolerance (burst less one intervals) ahead of now, and
     * then moves it one interval on. The cells grow with the binding cache's slots (by half, at most to its
     * bound), never per packet.
     */
    private boolean reverseAllowed(int slot, long now) {
        if (slot >= reverseCells.length) {
            int n = (int) Math.min(cache.maxBindings(), Math.max(slot + 1L, reverseCells.length * 3L / 2 + 16));
            reverseCells = java.util.Arrays.copyOf(reverseCells, n);
            reverseGenerations = java.util.Arrays.copyOf(reverseGenerations, n);
        }
        int gen = cache.generation(slot);
        long t = reverseCells[slot];
        if (reverseGenerations[slot] != gen || t - now < 0) {
            reverseGenerations[slot] = gen;
            t = now;
        } else if (t - now > reverseTolerance) {
            return false;
        }
        reverseCells[slot] = t + reverseInterval;
        return true;
    }
}
