package io.mga.engine.agent;

import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.PacketHandler;
import io.mga.api.PacketIo;
import io.mga.api.SelectionPolicy;
import io.mga.wire.fast.Encapsulation;
import io.mga.wire.fast.Ipv6View;

/**
 * The agent's data plane: lookup of the anycast destination, selection among its bindings (pin, else policy,
 * then pinned), IPv6-in-IPv6 encapsulation to the chosen care-of address (RFC 2473), the reverse tunnel, and the
 * burst look-ahead. Allocation-free per packet; final fields and monomorphic calls only. Single-threaded.
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
    private final Ipv6View inner = new Ipv6View();
    private final byte[] tx = new byte[Encapsulation.OVERHEAD + 65535 + Ipv6View.HEADER_LENGTH];
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
     */
    public Forwarder(long addressHigh, long addressLow, int tunnelHopLimit, PacketIo io, BindingCache cache,
            int maxPins, long pinIdleNanos, long pinKey, SelectionPolicy policy, AgentStats stats,
            TunnelLabels labels, java.util.List<Ipv6Prefix> served) {
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
     * @param handler the agent, which classifies and handles each packet
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
        tunnel(packet, offset, view, cache.careOfHighAt(row), cache.careOfLowAt(row));
    }

    /** No binding, or the Advanced Model's choice among several. */
    private void forwardChosen(byte[] packet, int offset, Ipv6View view, long dh, long dl, int row, long now) {
        if (row == BindingCache.NONE) {
            stats.noBinding++;
            return;
        }
        int slot = choose(cache.slotAt(row), view.sourceHigh(), view.sourceLow(), dh, dl, now);
        cache.markUsed(slot);
        tunnel(packet, offset, view, cache.careOfHigh(slot), cache.careOfLow(slot));
    }

    /** Encapsulates the packet to a care-of address and sends it (RFC 2473), or counts why not. */
    private void tunnel(byte[] packet, int offset, Ipv6View view, long ch, long cl) {
        int len = view.packetLength();
        // forwarding into a tunnel is one hop for the inner packet (RFC 2473 §3.1); read from the packet, not
        // from the copy, so that the read does not wait on the copy's stores
        int hop = packet[offset + Ipv6View.HOP_LIMIT_OFFSET] & 0xff;
        // the outer Payload Length must fit in 16 bits (RFC 2473 §7.1 asks for Packet Too Big; mga drops)
        if (len > 65535 || hop <= 1) {
            stats.dropped++;
            return;
        }
        System.arraycopy(packet, offset, tx, Encapsulation.OVERHEAD, len);
        tx[Encapsulation.OVERHEAD + Ipv6View.HOP_LIMIT_OFFSET] = (byte) (hop - 1);
        int start = Encapsulation.wrapInPlace(tx, Encapsulation.OVERHEAD, len, addressHigh, addressLow, ch, cl,
                tunnelHopLimit, labels.label(view.sourceHigh(), view.sourceLow(), ch, cl));
        stats.forwarded++;
        io.send(tx, start, len + Encapsulation.OVERHEAD);
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
     */
    public void reverseTunnel(byte[] packet, Ipv6View view) {
        int off = view.upperLayerOffset();
        if (!inner.wrap(packet, off, view.upperLayerLength())) {
            stats.malformed++;
            return;
        }
        boolean ok = false;
        long ch = view.sourceHigh();
        long cl = view.sourceLow();
        for (int s = cache.find(inner.sourceHigh(), inner.sourceLow()); s != BindingCache.NONE; s = cache.next(s)) {
            if (cache.careOfHigh(s) == ch && cache.careOfLow(s) == cl) {
                ok = true;
                break;
            }
        }
        if (!ok) {
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
        packet[off + Ipv6View.HOP_LIMIT_OFFSET] = (byte) (hop - 1);
        stats.reverseForwarded++;
        io.send(packet, off, inner.packetLength());
    }
}
