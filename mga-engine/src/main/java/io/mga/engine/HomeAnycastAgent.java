package io.mga.engine;

import io.mga.api.AnycastBinding;
import io.mga.api.EpochClock;
import io.mga.api.Ipv6Address;
import io.mga.api.Model;
import io.mga.api.PacketIo;
import io.mga.api.ResponderCredentials;
import io.mga.api.SelectionPolicy;
import io.mga.api.Role;
import io.mga.api.store.BindingStore;
import io.mga.api.store.StoreStatus;
import io.mga.engine.agent.AgentIcmp;
import io.mga.engine.agent.AgentStats;
import io.mga.engine.agent.BindingCache;
import io.mga.engine.agent.Forwarder;
import io.mga.engine.agent.Registrar;
import io.mga.engine.agent.TunnelLabels;
import io.mga.engine.hash.KeyedHash;
import io.mga.engine.mobility.BindingUpdateView;
import io.mga.engine.mobility.Inbound;
import io.mga.engine.mobility.MobilitySender;
import io.mga.engine.mobility.NodeAnswers;
import io.mga.engine.mobility.ReplayGuard;
import io.mga.engine.mobility.RrAuthenticator;
import io.mga.engine.store.LocalBindingStore;
import io.mga.wire.MobilityMessage;
import io.mga.wire.fast.Ipv6View;
import io.mga.wire.fast.Protocols;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Home Anycast Agent of MGA (MGA paper §4.2), usable as a Midway Anycast Agent (§4.6): it accepts authenticated
 * Binding Updates from Anycast Responders for the anycast addresses it serves, keeps the anycast binding cache as
 * soft state, tunnels packets sent to an anycast address to a responder's peer unicast address (IPv6-in-IPv6,
 * RFC 2473), and forwards what responders reverse-tunnel to it with the anycast address as source.
 *
 * <p>Each packet is classified once: the forwarder wraps the flyweight and forwards what is for a served anycast
 * address (lookup, selection, pinning, encapsulation), and hands back what is for the agent's own address or a
 * DHAAD request; this class then passes that to the room that handles it: the registration pipeline (RFC 6275
 * §10.3.1 with RFC 4285 authentication; see the module README for the order of checks), the reverse tunnel, or
 * ICMPv6 (tunnel errors, DHAAD).
 *
 * <p>Threading: single-threaded; call {@link #receive} and {@link #doWork} from one thread.
 *
 * <p>Time: the timers (binding expiry, refresh requests, liveness probes, the store's events, the Flow Label
 * secret's rotation) run in {@link #doWork}, which the embedder calls when {@link #nextDeadline} comes (the role
 * runners of mga-pcap-io and mga-sim do, every cycle). A packet for the agent's own address (a registration, the
 * reverse tunnel, a tunnel error) runs {@code doWork} first; a data packet does not, so a binding whose lifetime
 * ran out is removed at the next {@code doWork}, not by the next packet that uses it.
 */
public final class HomeAnycastAgent implements Role {
    private static final Logger LOG = LoggerFactory.getLogger(HomeAnycastAgent.class);
    private final Ipv6Address address;
    private final EpochClock epoch;
    private final EventListener<AgentEvent> listener;
    private final AgentStats stats = new AgentStats();
    private final BindingCache cache;
    private final Registrar registrar;
    private final ReplayGuard replay;
    private final Forwarder forwarder;
    private final AgentIcmp icmp;
    private final TunnelLabels labels;
    private final NodeAnswers answers;
    private final Inbound in = new Inbound();
    private final Ipv6View view = in.view();
    private long lastNow;
    private BindingTableListener tableListener;
    private final BindingStore store;
    private final boolean embeddedStore;

    HomeAnycastAgent(AgentConfig c, PacketIo io, EventListener<AgentEvent> listener, long nowNanos) {
        this.address = c.address();
        this.epoch = c.epoch();
        this.listener = listener != null ? listener : e -> { };
        long key = c.hashKey() != null ? c.hashKey() : new java.security.SecureRandom().nextLong();
        boolean basic = c.model() == Model.BASIC;
        this.cache = new BindingCache(c.maxBindings(), basic ? 1 : c.maxBindingsPerAnycast(), key);
        MobilitySender sender = new MobilitySender(io, new RrAuthenticator());
        this.replay = new ReplayGuard(epoch, c.replayWindowNanos(), c.replayProtectionRequired());
        this.registrar = new Registrar(address, c.served(), !basic, c.responders(), c.maxLifetimeSeconds() / 4,
                c.refreshRequests(), replay,
                cache, sender, new Report(), stats, c.probeTimeoutNanos(), c.maxBindingsPerResponder(),
                c.maxBindingsPerResponderPerAnycast(),
                KeyedHash.mix(key ^ 0xa54f_f53a_5f1d_36f1L), nowNanos);
        this.embeddedStore = c.store() == null;
        // the embedded store tells lifetimes by the agent's last time (it expires nothing the agent still holds:
        // the agent removes what lapses from it as it removes it from its cache)
        this.store = embeddedStore ? new LocalBindingStore(() -> epoch.unixNanos(lastNow), c.maxBindings(),
                Registrar.MAX_IDENTITIES) : c.store();
        this.lastNow = nowNanos;
        registrar.attachStore(store, embeddedStore, epoch, c.storePendingLimit(), 4 * c.maxBindings() + 4096);
        if (c.livenessIntervalNanos() > 0) {
            registrar.liveness(c.livenessIntervalNanos(), c.livenessProbesPerSecond(), nowNanos);
        }
        // the Basic Model has one binding per anycast address: nothing to pin
        // the Flow Label secrets follow the hash key when one is given (reproducible runs), else SecureRandom
        this.labels = new TunnelLabels(c.hashKey() != null ? new java.util.SplittableRandom(key ^ 0x2545_f491_4f6c_dd1dL)
                : new java.security.SecureRandom(), nowNanos);
        this.icmp = new AgentIcmp(address, c.peers(), registrar, sender, stats, labels,
                KeyedHash.mix(key ^ 0x3c6e_f372_fe94_f82bL), io);
        this.forwarder = new Forwarder(address.high(), address.low(), c.tunnelHopLimit(), io, cache,
                basic ? 0 : c.maxPins(), c.pinIdleNanos(), KeyedHash.mix(key ^ 0x5bd1_e995_5bd1_e995L),
                policy(c, basic), stats, labels,
                c.served(), icmp, c.linkMtu(), c.reverseTunnelPacketsPerSecond(), c.reverseTunnelBurst(), view);
        this.answers = new NodeAnswers(address, a -> registrar.serves(a.high(), a.low()), sender,
                KeyedHash.mix(key ^ 0x510e_527f_ade6_82d1L));
        this.lastNow = nowNanos;
    }

    /**
     * The selection: the configured one; else first in the Basic Model; in the Advanced Model round-robin with the
     * embedded store, and with a shared store one that every agent computes alike from the shared bindings (so the
     * same initiator reaches the same responder through any agent): the selection table keyed with the shared
     * selection key, or, without one, rendezvous hashing.
     */
    private static SelectionPolicy policy(AgentConfig c, boolean basic) {
        if (c.policy() != null) {
            return c.policy();
        }
        if (basic) {
            return Policies.first();
        }
        if (c.store() == null) {
            return Policies.roundRobin();
        }
        return c.selectionKey() != null ? Policies.table(c.selectionKey()) : Policies.rendezvous();
    }

    /** @return a builder */
    public static AgentConfig.Builder builder() {
        return new AgentConfig.Builder();
    }

    /** The registration pipeline's decisions, reported as {@link AgentEvent}s. */
    private final class Report implements Registrar.Events {
        @Override
        public void changed(Registrar.Change change, AnycastBinding before, AnycastBinding after, long now) {
            long wall = epoch.unixNanos(now);
            BindingTableListener t = tableListener;
            if (t != null && moves(change, before, after)) {
                Ipv6Address a = after != null ? after.anycast() : before.anycast();
                t.bindingsChanged(a, bindings(a));
            }
            listener.onEvent(switch (change) {
                case REGISTERED -> new AgentEvent.Registered(now, wall, after);
                case REFRESHED -> new AgentEvent.Refreshed(now, wall, after);
                case OVERWRITTEN -> new AgentEvent.Overwritten(now, wall, before, after);
                case DEREGISTERED -> new AgentEvent.Deregistered(now, wall, before);
                case EXPIRED -> new AgentEvent.Expired(now, wall, before);
                case UNREACHABLE -> new AgentEvent.Unreachable(now, wall, before);
                case REVOKED -> new AgentEvent.Revoked(now, wall, before);
            });
        }

        @Override
        public void rejected(Ipv6Address from, int status, String reason, long now) {
            listener.onEvent(new AgentEvent.Rejected(now, epoch.unixNanos(now), from, status, reason));
        }
    }

    /** Whether a change changes where packets go: all but a refresh of the lifetime alone. */
    private static boolean moves(Registrar.Change change, AnycastBinding before, AnycastBinding after) {
        return change != Registrar.Change.REFRESHED || !before.careOf().equals(after.careOf())
                || before.weight() != after.weight() || before.load() != after.load()
                || before.bindingId() != after.bindingId();
    }

    /**
     * Sets (or, with null, removes) the one {@link BindingTableListener}, a data plane's mirror. It is told the
     * tunnels' Flow Label secret and then every anycast address that has bindings now, before this returns. Call
     * on the agent's thread.
     *
     * @param l the listener, or null
     */
    public void bindingTableListener(BindingTableListener l) {
        this.tableListener = l;
        if (l == null) {
            return;
        }
        l.tunnelLabelSecret(labels.secret(), labels.multiplier());
        java.util.Set<Ipv6Address> seen = new java.util.LinkedHashSet<>();
        for (int s = 0; s < cache.slotLimit(); s++) {
            if (cache.isLive(s)) {
                seen.add(new Ipv6Address(cache.anycastHigh(s), cache.anycastLow(s)));
            }
        }
        for (Ipv6Address a : seen) {
            l.bindingsChanged(a, bindings(a));
        }
        l.replayed();
    }

    /** @return the agent's unicast address */
    public Ipv6Address address() {
        return address;
    }

    /** @return a snapshot of the counters */
    public AgentCounters counters() {
        AgentStats s = stats;
        return new AgentCounters(s.received, s.forwarded, s.reverseForwarded, s.malformed, s.noBinding, s.rejected,
                s.dropped, s.forgedErrors, s.probes, s.tooBig, s.encapsulationLimited, s.reverseLimited, s.errorsSent,
                s.errorsSuppressed, s.storeUnavailable, s.storeConflicts);
    }

    /**
     * The binding store as this agent sees it. Call on the agent's thread.
     *
     * @return the state now
     */
    public StoreState storeState() {
        StoreStatus st = store.status();
        long applied = Math.max(registrar.appliedRevision(), embeddedStore ? st.revision() : 0);
        return new StoreState(st.kind(), st.connected() && registrar.storeConnected(), st.revision(), applied,
                Math.max(0, st.revision() - applied), st.detail(), registrar.pendingWrites(), stats.storeUnavailable,
                stats.storeConflicts, stats.storeBusy, stats.storeRefused);
    }

    /**
     * Who to call, from the store's threads, when a store answer or event waits for the agent's thread (a live
     * runner's wake-up, e.g. {@code () -> runner.submit(now -> { })}). The embedded store needs none. Thread-safe.
     *
     * @param wake the wake-up, or null
     */
    public void storeWakeup(Runnable wake) {
        registrar.wakeup(wake);
    }

    /**
     * Stops the store's watch (the agent stops); a shared store stays open, its owner closes it. Call on the
     * agent's thread.
     */
    public void closeStore() {
        registrar.detachStore();
        if (embeddedStore) {
            store.close();
        }
    }

    /**
     * The live bindings of an anycast address, ordered by Binding ID.
     *
     * @param anycast the anycast address
     * @return the bindings (empty when none)
     */
    public List<AnycastBinding> bindings(Ipv6Address anycast) {
        List<AnycastBinding> l = new ArrayList<>();
        for (int s = cache.find(anycast.high(), anycast.low()); s != BindingCache.NONE; s = cache.next(s)) {
            l.add(registrar.binding(s));
        }
        return List.copyOf(l);
    }

    /**
     * Every live binding with the pins that lead to it: a scan of the binding cache and the pinning table, for
     * inspection (a status request), not for the data path. Call it from the agent's thread.
     *
     * @return the bindings, in slot order, at most the cache's bound
     */
    public List<PinnedBinding> allBindings() {
        int[] pins = forwarder.pinsPerSlot(lastNow);
        List<PinnedBinding> l = new ArrayList<>(cache.size());
        for (int s = 0; s < cache.slotLimit(); s++) {
            if (cache.isLive(s)) {
                l.add(new PinnedBinding(registrar.binding(s), s < pins.length ? pins[s] : 0));
            }
        }
        return List.copyOf(l);
    }

    /**
     * A binding and the pins in force that lead to it.
     *
     * @param binding the binding
     * @param pins the (initiator, anycast address) pairs pinned to it
     */
    public record PinnedBinding(AnycastBinding binding, int pins) {
    }

    /**
     * Replaces the responders accepted (an operator's reload) without dropping a binding of a responder that stays
     * accepted: those keep their care-of address, lifetime, sequence number and replay-protection state. A binding
     * whose responder identity is no longer listed, or may no longer serve its anycast address, is removed at once
     * and reported as {@link AgentEvent.Revoked} (see the module README). Call it from the agent's thread (a
     * task submitted to its runner).
     *
     * @param responders the new credentials (SPIs distinct)
     * @param nowNanos the current time of the agent's clock
     * @return how many bindings were revoked
     * @throws IllegalArgumentException if two credentials share an SPI; nothing changed then
     */
    public int replaceResponders(List<ResponderCredentials> responders, long nowNanos) {
        return registrar.replaceResponders(List.copyOf(responders), nowNanos);
    }

    /** @return the responders accepted now, in no particular order */
    public List<ResponderCredentials> responders() {
        return registrar.responders();
    }

    /** @return the number of live bindings, all anycast addresses together */
    public int bindingCount() {
        return cache.size();
    }

    /** @return the number of pins in force (a scan of the pinning table) */
    public int pinCount() {
        return forwarder.pinCount(lastNow);
    }

    /**
     * What the agent must remember across a restart (see {@link AgentState}), in wall-clock time through the
     * configured {@link EpochClock}. Call it on the agent's thread; the result is immutable and may be handed to
     * another thread (to be written). It costs one pass over the binding cache: take it when bindings changed,
     * coalesced, not per packet.
     *
     * @param nowNanos the current time of the injected clock
     * @return the state
     */
    public AgentState snapshot(long nowNanos) {
        List<AgentState.Binding> bs = new ArrayList<>(cache.size());
        for (int s = 0, top = cache.slotLimit(); s < top; s++) {
            if (cache.isLive(s)) {
                AnycastBinding b = registrar.binding(s);
                bs.add(new AgentState.Binding(b.anycast(), b.bindingId(), b.careOf(), b.responder(), b.weight(),
                        b.load(), cache.sequence(s), epoch.unixNanos(b.expiresAtNanos())));
            }
        }
        List<AgentState.ReplayMark> marks = new ArrayList<>();
        for (Map.Entry<Long, Long> e : replay.marks().entrySet()) {
            marks.add(new AgentState.ReplayMark(e.getKey(), e.getValue()));
        }
        marks.sort(java.util.Comparator.comparingLong(AgentState.ReplayMark::spi));
        List<AgentState.Retired> retired = new ArrayList<>();
        registrar.retiredSequences((who, anycast, bid, seq, forgetAt) -> retired.add(
                new AgentState.Retired(who, anycast, bid, seq, epoch.unixNanos(forgetAt))), nowNanos);
        return new AgentState(epoch.unixNanos(nowNanos), bs, marks, retired);
    }

    /**
     * Puts a saved state back (at build time, before the first packet). Each binding is checked against today's
     * configuration ({@link Registrar#restore}); what no longer fits is left out and logged. Replay protection
     * after a restart (RFC 4285 §6: the timestamp MUST be greater than in any earlier accepted BU): the saved
     * timestamps come back, and no timestamp at or before this restart is accepted, so that a BU captured before
     * it cannot be replayed even if it was accepted after the state was last written.
     *
     * @return the number of bindings restored
     */
    int restore(AgentState state, long nowNanos) {
        long offset = epoch.unixNanos(nowNanos) - nowNanos; // Unix nanoseconds minus the injected clock's
        int restored = 0;
        Map<String, Integer> skipped = new java.util.TreeMap<>();
        for (AgentState.Binding b : state.bindings()) {
            String why = registrar.restore(b.anycast(), b.bindingId(), b.careOf(), b.responder(), b.weight(), b.load(),
                    b.sequence(), b.expiresAtUnixNanos() - offset, nowNanos);
            if (why == null) {
                restored++;
            } else {
                skipped.merge(why, 1, Integer::sum);
            }
        }
        for (AgentState.ReplayMark m : state.replayMarks()) {
            if (registrar.knowsSpi(m.spi())) {
                replay.restore(m.spi(), m.timestamp());
            }
        }
        replay.raiseFloor(nowNanos);
        for (AgentState.Retired r : state.retired()) {
            registrar.restoreRetired(r.responder(), r.anycast(), r.bindingId(), r.sequence(),
                    r.forgetAtUnixNanos() - offset, nowNanos);
        }
        LOG.info("restored {} of {} saved bindings{}", restored, state.bindings().size(),
                skipped.isEmpty() ? "" : "; left out: " + skipped);
        return restored;
    }

    /** For tests in this package: the binding cache, read only from the agent's thread. */
    BindingCache cache() {
        return cache;
    }

    /** For tests in this package: the answers every node gives (Binding Error 2, Parameter Problem, Echo). */
    NodeAnswers nodeAnswers() {
        return answers;
    }

    /** For tests in this package: the data plane. */
    Forwarder forwarder() {
        return forwarder;
    }

    @Override
    public int doWork(long nowNanos) {
        lastNow = nowNanos;
        if (labels.rotate(nowNanos) && tableListener != null) {
            tableListener.tunnelLabelSecret(labels.secret(), labels.multiplier());
        }
        return registrar.doWork(nowNanos);
    }

    @Override
    public long nextDeadline() {
        long r = labels.nextRotation();
        long d = registrar.nextDeadline();
        if (d == Long.MIN_VALUE || d == Long.MAX_VALUE) {
            return d == Long.MIN_VALUE ? d : r; // timers left due by an expiry limit; or none at all
        }
        return d - r < 0 ? d : r;
    }

    /**
     * Handles a burst as {@link #receive} would each packet; once the tables outgrow the caches the lookups of a
     * whole burst are started before the first packet is forwarded, so that their cache misses overlap (see
     * {@link Forwarder#burst}).
     *
     * @throws NullPointerException if {@code offsets} or {@code lengths} is null
     */
    @Override
    public void receiveBurst(byte[] buffer, int[] offsets, int[] lengths, int first, int count, long now) {
        forwarder.burst(buffer, offsets, lengths, first, count, now, this);
    }

    @Override
    public void receive(byte[] packet, int offset, int length, long now) {
        // the data path (wrap, served test, forwarding) is the forwarder's, on its own fields; the timers (doWork)
        // and the front-end's record of the packet (for decoding) are for the packets that may need them: control
        // packets to the agent, DHAAD
        int r = forwarder.receive(packet, offset, length, now);
        if (r != Forwarder.HANDLED) {
            notForwarded(r, packet, offset, length, now);
        }
    }

    /** A packet the forwarder left to the agent (the view is wrapped around it): for its own address, or DHAAD. */
    private void notForwarded(int r, byte[] packet, int offset, int length, long now) {
        if (r == Forwarder.TO_AGENT) {
            doWork(now);
            in.attach(packet, offset, length);
            toAgent(packet, now);
        } else {
            in.attach(packet, offset, length);
            icmp.dhaad(in, now);
        }
    }

    /** A packet for the agent's own address: registration, reverse tunnel or a tunnel error. */
    private void toAgent(byte[] packet, long now) {
        switch (view.upperLayerProtocol()) {
            case Protocols.MOBILITY -> {
                // RFC 6275 §9.2: the checks and answers of every node (Binding Error 2, Parameter Problem)
                MobilityMessage m = answers.mobility(in, now) == NodeAnswers.Outcome.PROCESS ? in.mobility() : null;
                if (m == null) {
                    stats.malformed++;
                } else if (m instanceof MobilityMessage.BindingUpdate bu) {
                    registrar.bindingUpdate(BindingUpdateView.of(in.packet(), bu), now);
                } else {
                    stats.dropped++;
                }
            }
            case Protocols.IPV6_IN_IPV6 -> forwarder.reverseTunnel(packet, view, now);
            case Protocols.ICMPV6 -> {
                if (view.icmpv6Type() == Protocols.ICMPV6_DESTINATION_UNREACHABLE) {
                    icmp.tunnelError(in, now);
                } else if (view.icmpv6Type() == Protocols.ICMPV6_ECHO_REQUEST) {
                    if (!answers.echo(in, now)) { // RFC 4443 §4.1, rate-limited
                        stats.dropped++;
                    }
                } else {
                    stats.dropped++;
                }
            }
            default -> stats.dropped++;
        }
    }
}
