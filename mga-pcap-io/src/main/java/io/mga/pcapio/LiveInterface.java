package io.mga.pcapio;

import io.mga.api.Clock;
import io.mga.api.EpochClock;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.PacketIo;
import io.mga.api.Role;
import io.mga.pcapio.link.EthernetFraming;
import io.mga.pcapio.link.MacAddress;
import io.mga.pcapio.nd.NeighborDiscovery;
import io.mga.pcapio.host.TunDevice;
import io.mga.pcapio.port.PcapPort;
import io.mga.pcapio.runner.RoleRunner;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.fast.Ipv6View;
import io.mga.wire.link.LinkFrames;
import io.mga.wire.link.LinkType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Role} on a live Ethernet interface: the façade that composes the pieces, each in its own package.
 * {@link PcapPort} opens the interface through pcap4j and injects; {@link RoleRunner} owns the role's thread, its
 * duty cycle and its command queue, and that thread reads the capture itself ({@link PcapPort#inline()}: no
 * capture thread, no hand-off between threads per packet; idle, it waits in {@code poll(2)} on the capture
 * socket and a wake-up descriptor for tasks and side input);
 * {@link NeighborDiscovery} answers for the role's addresses and resolves its next hops, as pure logic;
 * {@link EthernetFraming} and mga-wire's {@link LinkFrames} frame and unframe.
 *
 * <p>On the role thread, each packet from the capture goes to Neighbor Discovery if it is a Solicitation or an
 * Advertisement, else to the role if its destination is one of the role's addresses (a run of them as one
 * {@code receiveBurst}); what the role sends goes through Neighbor Discovery (next hop, link-layer address) and is
 * framed and injected. {@link #send} is for the role, on the role thread.
 *
 * <p>Failure: if the role thread dies of an exception (a libpcap error included), it is stopped, the handles are
 * closed and {@link #termination()} completes exceptionally with the cause; the embedder decides what then (the
 * CLI exits with a non-zero status). {@link #close()} stops everything; {@code termination()} then completes
 * normally.
 *
 * <p>The capture is not promiscuous (unless the role has an Ethernet address of its own, {@link Builder#mac}) and its
 * BPF filter takes only frames for the role's Ethernet address, multicast and broadcast: the kernel copies nothing
 * else. A card that filters multicast must accept the role's solicited-node groups; a line at start says which
 * are not joined.
 *
 * <p>The host's own kernel must stay out of the way: it must not hold the role's addresses (it would answer for
 * them) nor forward the role's traffic. Either leave the interface without those addresses, or disable IPv6 on it
 * for the kernel ({@code sysctl net.ipv6.conf.IFACE.disable_ipv6=1}); capture works either way. The exception is
 * a responder's host delivery ({@link Builder#hostHoldsAddresses}): the kernel keeps its address, answers Neighbor
 * Discovery for it, and nftables keeps it from answering the role's protocols ({@code io.mga.pcapio.host}).
 */
public final class LiveInterface implements PacketIo, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveInterface.class);

    /** Counters, safe to read from any thread. */
    public final class Counters {
        private Counters() {
        }

        /** @return IPv6 packets the role thread took from the capture (Neighbor Discovery included) */
        public long received() {
            return runner == null ? 0 : runner.counters().received();
        }

        /** @return frames injected */
        public long sent() {
            return sent.get();
        }

        /**
         * @return frames that did not carry IPv6 over Ethernet or whose IPv6 header did not parse, and Neighbor
         *     Discovery messages that failed RFC 4861 §7.1's checks
         */
        public long malformed() {
            return malformed.get() + (nd == null ? 0 : nd.counters().invalid());
        }

        /**
         * @return packets dropped because the role thread's queue was full: side input (e.g. a TUN device's
         *     reader) offered faster than the role took it (the capture is read by the role thread itself)
         */
        public long queueDropped() {
            return runner == null ? 0 : runner.counters().dropped();
        }

        /** @return packets the kernel dropped because the capture buffer was full ({@code pcap_stats} ps_drop) */
        public long kernelDropped() {
            return port == null ? 0 : port.stats().kernelDropped();
        }

        /**
         * @return packets the interface itself dropped, all traffic, not only the role's ({@code pcap_stats}
         *     ps_ifdrop); not part of {@link #dropped()}
         */
        public long interfaceDropped() {
            return port == null ? 0 : port.stats().interfaceDropped();
        }

        /**
         * @return frames dropped unread because they had waited in the capture buffer longer than the age limit
         *     ({@link Builder#maxFrameAgeMillis}, default 100 ms): the backlog an overloaded role sheds
         */
        public long staleDropped() {
            return port == null ? 0 : port.stats().stale();
        }

        /** @return frames dropped because they were longer than the snapshot length */
        public long truncated() {
            return port == null ? 0 : port.stats().truncated();
        }

        /**
         * @return packets from the role that Neighbor Discovery dropped: no route, next hop unresolved, too many
         *     waiting
         */
        public long unroutable() {
            return nd == null ? 0 : nd.counters().dropped();
        }

        /** @return frames libpcap refused to inject */
        public long sendFailed() {
            return sendFailed.get();
        }

        /** @return frames addressed to another station's Ethernet address (seen in promiscuous mode), ignored */
        public long foreign() {
            return foreign.get();
        }

        /** @return all packets lost on the way: queue, kernel, stale, truncated, unroutable, send failed */
        public long dropped() {
            return queueDropped() + kernelDropped() + staleDropped() + truncated() + unroutable() + sendFailed();
        }

        /** @return the Neighbor Discovery counters, or null before {@link LiveInterface#start} */
        public NeighborDiscovery.Counters neighborDiscovery() {
            return nd == null ? null : nd.counters();
        }

        @Override
        public String toString() {
            return "received " + received() + " sent " + sent() + " dropped " + dropped() + " (queue "
                    + queueDropped() + ", kernel " + kernelDropped() + ", stale " + staleDropped() + ", truncated " + truncated() + ", unroutable "
                    + unroutable() + ", send failed " + sendFailed() + ") malformed " + malformed() + " foreign "
                    + foreign() + " interface dropped " + interfaceDropped();
        }
    }

    private final String interfaceName;
    private final MacAddress configuredMac;
    private final List<Ipv6Address> own;
    private final List<Ipv6Prefix> anycast;
    private final List<Ipv6Prefix> onLink;
    private final Ipv6Address defaultRouter;
    private final Map<Ipv6Address, MacAddress> statics;
    private final Clock clock;
    private final EpochClock epoch;
    private final String filter;
    private final int snaplen;
    private final int captureBuffer;
    private final int maxFrameAgeMillis;
    private final int queueBytes;
    private final PcapRecorder recorder;
    private final boolean hostHolds;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong sendFailed = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong foreign = new AtomicLong();
    private final Counters counters = new Counters();
    private final CompletableFuture<Void> termination = new CompletableFuture<>();
    private volatile PcapPort port;
    private volatile RoleRunner runner;
    private volatile NeighborDiscovery nd;
    private volatile boolean closed;
    private Stack stack;

    private LiveInterface(Builder b) {
        this.interfaceName = Objects.requireNonNull(b.interfaceName, "interface");
        if (b.own.isEmpty()) {
            throw new IllegalArgumentException("the interface must own at least one address for the role");
        }
        this.own = List.copyOf(b.own);
        this.anycast = List.copyOf(b.anycast);
        this.onLink = List.copyOf(b.onLink);
        this.defaultRouter = b.defaultRouter;
        this.statics = new LinkedHashMap<>(b.statics);
        if (b.routerMac != null) {
            if (defaultRouter == null) {
                throw new IllegalArgumentException("the router's Ethernet address is pinned, but no default router");
            }
            statics.put(defaultRouter, b.routerMac);
        }
        this.configuredMac = b.mac;
        this.clock = b.clock;
        this.epoch = b.epoch != null ? b.epoch : EpochClock.system();
        this.filter = b.filter;
        this.snaplen = b.snaplen;
        this.captureBuffer = b.captureBuffer;
        this.maxFrameAgeMillis = b.maxFrameAgeMillis;
        this.queueBytes = b.queueBytes;
        this.recorder = b.recorder;
        this.hostHolds = b.hostHolds;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link LiveInterface}. */
    public static final class Builder {
        private String interfaceName;
        private MacAddress mac;
        private final List<Ipv6Address> own = new ArrayList<>();
        private final List<Ipv6Prefix> anycast = new ArrayList<>();
        private final List<Ipv6Prefix> onLink = new ArrayList<>();
        private Ipv6Address defaultRouter;
        private MacAddress routerMac;
        private final Map<Ipv6Address, MacAddress> statics = new LinkedHashMap<>();
        private Clock clock = Clock.SYSTEM;
        private EpochClock epoch;
        private String filter = "ip6";
        private int snaplen;
        private int captureBuffer = 32 << 20;
        private int maxFrameAgeMillis = 100;
        private int queueBytes = 4 << 20;
        private PcapRecorder recorder;
        private boolean hostHolds;

        private Builder() {
        }

        /**
         * The host's kernel holds the role's unicast addresses on the interface (an ordinary server; with a
         * responder's host delivery): Neighbor Discovery then leaves answering for them to the kernel, and only
         * resolves next hops (and answers for the anycast addresses). The kernel must then be kept from answering
         * the role's protocols itself, see {@code io.mga.pcapio.host.HostDelivery}.
         *
         * @param yes true when the kernel holds the addresses (default false: it must not)
         * @return this builder
         */
        public Builder hostHoldsAddresses(boolean yes) {
            this.hostHolds = yes;
            return this;
        }

        /**
         * Records every IPv6 packet the role receives and sends (Neighbor Discovery included) to a capture that
         * Wireshark opens, stamped with the wall-clock time of the role thread's duty cycle.
         *
         * @param r the recorder (the caller closes it after {@link LiveInterface#close()})
         * @return this builder
         */
        public Builder record(PcapRecorder r) {
            this.recorder = r;
            return this;
        }

        /**
         * @param name the interface, e.g. {@code eth0}
         * @return this builder
         */
        public Builder interfaceName(String name) {
            this.interfaceName = name;
            return this;
        }

        /**
         * The Ethernet address to use (default: the interface's own). One of the role's own opens the capture in
         * promiscuous mode (the interface would not accept frames for it otherwise).
         *
         * @param address the address
         * @return this builder
         */
        public Builder mac(MacAddress address) {
            this.mac = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * A unicast address the role owns on this link (the first one is the source of solicitations); its /64
         * is on-link.
         *
         * @param a the address
         * @return this builder
         */
        public Builder own(Ipv6Address a) {
            own.add(Objects.requireNonNull(a, "address"));
            return this;
        }

        /**
         * Anycast addresses the role answers for (advertised with Override cleared, RFC 4861 §7.2.7).
         *
         * @param p the anycast addresses, as a prefix
         * @return this builder
         */
        public Builder ownAnycast(Ipv6Prefix p) {
            anycast.add(Objects.requireNonNull(p, "prefix"));
            return this;
        }

        /**
         * A prefix whose addresses are on this link (resolved directly rather than sent to the router).
         *
         * @param p the prefix
         * @return this builder
         */
        public Builder onLink(Ipv6Prefix p) {
            onLink.add(Objects.requireNonNull(p, "prefix"));
            return this;
        }

        /**
         * Where off-link packets go.
         *
         * @param router the router's address on this link
         * @return this builder
         */
        public Builder defaultRouter(Ipv6Address router) {
            this.defaultRouter = router;
            return this;
        }

        /**
         * Pins the default router's Ethernet address: a static entry that Neighbor Discovery never solicits,
         * changes or expires, so that no forged Solicitation or Advertisement can redirect the role's off-link
         * traffic.
         *
         * @param address the router's Ethernet address
         * @return this builder
         */
        public Builder routerMac(MacAddress address) {
            this.routerMac = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * A neighbour whose link-layer address is known in advance (never solicited, never changed, never expires).
         *
         * @param a the neighbour's address
         * @param address its Ethernet address
         * @return this builder
         */
        public Builder staticNeighbor(Ipv6Address a, MacAddress address) {
            statics.put(Objects.requireNonNull(a, "neighbour"), Objects.requireNonNull(address, "address"));
            return this;
        }

        /**
         * @param c the clock given to the role (default the system's monotonic clock); it must run at the pace of
         *     real time (the role thread parks for its deadlines)
         * @return this builder
         */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /**
         * @param e wall-clock time for the recorder's time stamps (default {@link EpochClock#system()}, which goes
         *     with the default clock)
         * @return this builder
         */
        public Builder epochClock(EpochClock e) {
            this.epoch = Objects.requireNonNull(e, "epochClock");
            return this;
        }

        /**
         * @param bpf the capture filter (default {@code ip6}); the interface adds {@code and (ether dst MAC or ether
         *     multicast)}, so that only frames for the role's Ethernet address, multicast and broadcast reach it
         * @return this builder
         */
        public Builder filter(String bpf) {
            this.filter = Objects.requireNonNull(bpf, "filter");
            return this;
        }

        /**
         * @param octets the capture's snapshot length (default: the interface's MTU plus 22, see {@link PcapPort})
         * @return this builder
         */
        public Builder snaplen(int octets) {
            this.snaplen = octets;
            return this;
        }

        /**
         * @param octets the kernel capture buffer (default 32 MiB: bursts of thousands of frames)
         * @return this builder
         */
        public Builder captureBuffer(int octets) {
            this.captureBuffer = octets;
            return this;
        }

        /**
         * @param millis frames that waited in the capture buffer longer than this are dropped unread and counted
         *     ({@link Counters#staleDropped()}; default 100 ms; 0 for no limit): an overloaded role sheds its old
         *     backlog and serves what is recent, rather than answering everything seconds late (every protocol
         *     it speaks retransmits: Binding Updates, Neighbor Discovery, the clients' own queries)
         * @return this builder
         */
        public Builder maxFrameAgeMillis(int millis) {
            if (millis < 0) {
                throw new IllegalArgumentException("maxFrameAgeMillis must be 0 or more, got " + millis);
            }
            this.maxFrameAgeMillis = millis;
            return this;
        }

        /**
         * @param octets the role thread's queue, for the capture's bursts and the side input (default 4 MiB)
         * @return this builder
         */
        public Builder queueBytes(int octets) {
            this.queueBytes = octets;
            return this;
        }

        /** @return the interface (not yet open) */
        public LiveInterface build() {
            return new LiveInterface(this);
        }
    }

    /** @return the counters */
    public Counters counters() {
        return counters;
    }

    /**
     * Runs a task on the role thread with the duty cycle's time, e.g. {@code live.submit(responder::start)}: the
     * only way other threads may touch the role. Thread-safe.
     *
     * @param task the task; if it throws, the interface stops as if the role had thrown
     * @return false if it was not queued: not started, stopped, or too many tasks pending
     */
    public boolean submit(LongConsumer task) {
        Objects.requireNonNull(task, "task");
        RoleRunner r = runner;
        Stack s = stack;
        return r != null && r.submit(now -> {
            s.now = now;
            task.accept(now);
        });
    }

    /**
     * Completes when the interface has stopped: normally after {@link #close()}, exceptionally with the cause if
     * the role thread died. A copy: completing it changes nothing here.
     *
     * @return the future
     */
    public CompletableFuture<Void> termination() {
        return termination.copy();
    }

    /**
     * Opens the interface and starts the capture and role threads.
     *
     * @param r the role; it must send through this object
     * @throws IOException if the interface cannot be opened (unknown name, no privileges, no Ethernet address)
     * @throws IllegalStateException if started before
     */
    public synchronized void start(Role r) throws IOException {
        start(r, null);
    }

    /**
     * Opens the interface and starts the capture and role threads, with a second input for the role thread:
     * packets given to {@link #offerSide} (from any thread, e.g. a TUN device's reader) go to {@code side} on the
     * role thread, whose sends go through this interface as the role's do (a responder's {@code fromHost}).
     *
     * @param r the role; it must send through this object
     * @param side takes the side packets on the role thread, or null for none
     * @throws IOException if the interface cannot be opened (unknown name, no privileges, no Ethernet address)
     * @throws IllegalStateException if started before
     */
    public synchronized void start(Role r, io.mga.api.PacketHandler side) throws IOException {
        start(r, side, null);
    }

    /**
     * {@link #start(Role, io.mga.api.PacketHandler)} with the side input read from a TUN device by the role thread
     * itself: it polls the device's descriptor with its capture and reads what is waiting in each duty cycle (no
     * reader thread, no hand-off between threads per packet; do not {@link TunDevice#start} the device).
     *
     * @param r the role; it must send through this object
     * @param side takes what the device gives, on the role thread
     * @param tun the device (host delivery's), open, not started
     * @throws IOException if the interface cannot be opened (unknown name, no privileges, no Ethernet address)
     * @throws IllegalStateException if started before
     */
    public synchronized void start(Role r, io.mga.api.PacketHandler side, TunDevice tun) throws IOException {
        Objects.requireNonNull(r, "role");
        if (tun != null) {
            Objects.requireNonNull(side, "side");
        }
        if (port != null || closed) {
            throw new IllegalStateException("the interface " + interfaceName + " was started or closed before");
        }
        // promiscuous only for an Ethernet address of the role's own, which the interface would not accept
        PcapPort.Builder pb = PcapPort.builder(interfaceName).filter(filter).bufferSize(captureBuffer)
                .maxFrameAgeMillis(maxFrameAgeMillis)
                .promiscuous(configuredMac != null);
        if (snaplen > 0) {
            pb.snaplen(snaplen);
        }
        PcapPort p = pb.open();
        MacAddress mac = configuredMac != null ? configuredMac : p.hardwareAddress().orElse(null);
        if (mac == null) {
            p.close();
            throw new IOException(interfaceName + " has no Ethernet address");
        }
        try {
            // the kernel copies to the capture only frames for the role: its Ethernet address, multicast, broadcast
            p.filter("(" + filter + ") and (ether dst " + mac + " or ether multicast)");
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
        warnMissingGroups(mac);
        NeighborDiscovery.Builder nb = NeighborDiscovery.builder(mac).defaultRouter(defaultRouter)
                .hostAnswersForUnicast(hostHolds);
        own.forEach(nb::own);
        anycast.forEach(nb::ownAnycast);
        onLink.forEach(nb::onLink);
        statics.forEach(nb::staticNeighbor);
        Stack s = new Stack(r, mac, p, p.snaplen());
        NeighborDiscovery n;
        try {
            n = nb.build(s::transmit);
        } catch (IllegalArgumentException e) {
            p.close();
            throw e;
        }
        s.nd = n;
        RoleRunner.Builder rb = RoleRunner.builder(s).clock(clock).name("mga-role-" + interfaceName)
                .queueBytes(queueBytes).onFailure(t -> fail(t));
        if (side != null) {
            rb.sideInput((packet, offset, length, nowNanos) -> {
                s.now = nowNanos;
                side.receive(packet, offset, length, nowNanos);
            }, queueBytes);
        }
        PcapPort.Reader reader;
        try {
            reader = p.inline();
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        PcapPort.FrameSink sink = s::captured;
        if (tun != null) {
            reader.watch(tun.descriptor());
        }
        io.mga.api.PacketHandler fromTun = (packet, offset, length, nowNanos) -> runner.offerSide(packet, offset,
                length);
        rb.source(new RoleRunner.Source() {
            @Override
            public int pump(int max) {
                int n = reader.pump(sink, max);
                return tun == null ? n : n + tun.readWaiting(fromTun, max);
            }

            @Override
            public void await(long nanos) {
                reader.await(nanos);
            }

            @Override
            public void wakeup() {
                reader.wakeup();
            }
        });
        RoleRunner rr = rb.build();
        this.nd = n;
        this.stack = s;
        this.runner = rr;
        this.port = p;
        rr.start();
        LOG.info("{}: role {} running as {} (snaplen {}, capture buffer {} MiB)", interfaceName,
                r.getClass().getSimpleName(), mac, p.snaplen(), captureBuffer >> 20);
    }

    /**
     * Without promiscuous mode a network card takes only the multicast groups joined on it. The role's
     * solicited-node groups (RFC 4291 §2.7.1: Neighbor Solicitations for its addresses are sent there) are joined
     * by nobody when the kernel's IPv6 is off on the interface; veth and most virtual links deliver them anyway,
     * a physical card may not. Linux lists the joined groups in /proc/net/dev_mcast: what is missing is logged
     * with the command that adds it.
     */
    private void warnMissingGroups(MacAddress mac) {
        Path mcast = Path.of("/proc/net/dev_mcast");
        if (configuredMac != null || !Files.isReadable(mcast)) {
            return;
        }
        java.util.Set<String> joined = new java.util.HashSet<>();
        try {
            for (String line : Files.readAllLines(mcast)) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 5 && f[1].equals(interfaceName)) {
                    joined.add(f[4].toLowerCase(java.util.Locale.ROOT));
                }
            }
        } catch (IOException e) {
            return;
        }
        java.util.Set<String> missing = new java.util.TreeSet<>();
        List<Ipv6Address> all = new ArrayList<>(own);
        anycast.forEach(a -> all.add(a.address()));
        for (Ipv6Address a : all) {
            String group = String.format(java.util.Locale.ROOT, "3333ff%06x", a.low() & 0xff_ffffL);
            if (!joined.contains(group)) {
                missing.add(group.replaceAll("(..)(?!$)", "$1:"));
            }
        }
        if (!missing.isEmpty()) {
            LOG.info("{}: solicited-node groups not joined on the interface: {}; a card that filters multicast needs"
                    + " them (ip maddr add 33:33:ff:xx:xx:xx dev {}), a veth does not", interfaceName, missing,
                    interfaceName);
        }
    }

    /** The role thread died (it logged why): close the interface, fail termination. */
    private void fail(Throwable t) {
        stopAll();
        termination.completeExceptionally(t);
    }

    private void stopAll() {
        closed = true;
        RoleRunner r = runner;
        PcapPort p = port;
        if (r != null) {
            r.close(); // first: the role thread reads the capture, whose handle closing the port frees
        }
        if (p != null) {
            p.close();
        }
    }

    /**
     * Sends an IPv6 packet: to its destination if on-link, else to the default router; resolving the next hop
     * first if needed. Call from the role thread (the role does).
     */
    @Override
    public void send(byte[] packet, int offset, int length) {
        Stack s = stack;
        if (s == null) {
            throw new IllegalStateException("not started");
        }
        s.nd.send(packet, offset, length, s.now);
    }

    /**
     * Queues a packet for the side input given to {@link #start(Role, io.mga.api.PacketHandler)} (copied).
     * Thread-safe.
     *
     * @param packet the buffer
     * @param offset where the IPv6 header starts
     * @param length its octets
     * @return false when it was dropped (no side input, not started or stopped, or the queue full: counted in
     *     {@link Counters#queueDropped()})
     */
    public boolean offerSide(byte[] packet, int offset, int length) {
        RoleRunner r = runner;
        return r != null && r.offerSide(packet, offset, length);
    }

    /**
     * The link-layer address Neighbor Discovery holds for a neighbour now (a kernel data plane that sends to the
     * router itself asks for the router's). Call from the role thread.
     *
     * @param a the neighbour's address
     * @return its Ethernet address, or empty when not resolved (or not started)
     */
    public java.util.Optional<MacAddress> neighborMac(Ipv6Address a) {
        NeighborDiscovery n = nd;
        return n == null ? java.util.Optional.empty()
                : n.neighbor(a).map(NeighborDiscovery.Neighbor::linkAddress);
    }

    /** Stops the threads and closes the interface; idempotent. */
    @Override
    public void close() {
        stopAll();
        termination.complete(null);
    }

    /** What runs on the role thread: unframing filters, Neighbor Discovery, the role, framing on the way out. */
    private final class Stack implements Role {
        private static final int IGNORED = 0;
        private static final int FOR_ROLE = 1;
        private static final int NEIGHBOR_DISCOVERY = 2;
        private final Role role;
        private final MacAddress mac;
        private final PcapPort out;
        private final Ipv6View view = new Ipv6View();
        private final byte[] frame;
        private int[] offsets = new int[64];
        private int[] lengths = new int[64];
        NeighborDiscovery nd;
        /** The current duty cycle's time (role thread). */
        long now;

        Stack(Role role, MacAddress mac, PcapPort port, int snaplen) {
            this.role = role;
            this.mac = mac;
            this.out = port;
            this.frame = new byte[EthernetFraming.HEADER_LENGTH + 65535 + Ipv6View.HEADER_LENGTH];
        }

        /** On the role thread, from the capture (pump): unframes and queues, nothing else. */
        void captured(byte[] f, int length) {
            if (!EthernetFraming.isFor(f, length, mac)) {
                foreign.incrementAndGet();
                return;
            }
            int off;
            try {
                off = LinkFrames.ipv6Offset(LinkType.ETHERNET, f, length);
            } catch (MalformedPacketException e) {
                malformed.incrementAndGet();
                return;
            }
            if (length - off < Ipv6View.HEADER_LENGTH) {
                malformed.incrementAndGet();
                return;
            }
            runner.offer(f, off, length - off);
        }

        @Override
        public void receive(byte[] packet, int offset, int length, long nowNanos) {
            now = nowNanos;
            int c = classify(packet, offset, length, nowNanos);
            if (c == FOR_ROLE) {
                role.receive(packet, offset, length, nowNanos);
            } else if (c == NEIGHBOR_DISCOVERY) {
                nd.receive(packet, offset, length, nowNanos);
            }
        }

        @Override
        public void receiveBurst(byte[] buffer, int[] offs, int[] lens, int first, int count, long nowNanos) {
            java.util.Objects.checkFromIndexSize(first, count, Math.min(offs.length, lens.length));
            now = nowNanos;
            if (offsets.length < count) {
                offsets = new int[count];
                lengths = new int[count];
            }
            int m = 0;
            for (int i = first; i < first + count; i++) {
                int c = classify(buffer, offs[i], lens[i], nowNanos);
                if (c == FOR_ROLE) {
                    offsets[m] = offs[i];
                    lengths[m] = lens[i];
                    m++;
                } else if (c == NEIGHBOR_DISCOVERY) {
                    // the role's packets before it go first, then Neighbor Discovery: the order is kept
                    m = flush(buffer, m, nowNanos);
                    nd.receive(buffer, offs[i], lens[i], nowNanos);
                }
            }
            flush(buffer, m, nowNanos);
        }

        private int flush(byte[] buffer, int m, long nowNanos) {
            if (m == 1) {
                role.receive(buffer, offsets[0], lengths[0], nowNanos);
            } else if (m > 1) {
                role.receiveBurst(buffer, offsets, lengths, 0, m, nowNanos);
            }
            return 0;
        }

        /**
         * Records the packet and sorts it: for the role (its destination is the role's), Neighbor Discovery
         * (handled at once by {@link #receive}; left to the caller by the burst path), or neither (dropped;
         * counted when malformed).
         */
        private int classify(byte[] packet, int offset, int length, long nowNanos) {
            if (recorder != null) {
                recorder.record(epoch.unixNanos(nowNanos), packet, offset, length);
            }
            if (!view.wrap(packet, offset, length)) {
                malformed.incrementAndGet();
                return IGNORED;
            }
            int t = view.icmpv6Type();
            if (t == 135 || t == 136) {
                return NEIGHBOR_DISCOVERY;
            }
            return nd.owns(view.destinationHigh(), view.destinationLow()) ? FOR_ROLE : IGNORED;
        }

        @Override
        public int doWork(long nowNanos) {
            now = nowNanos;
            return role.doWork(nowNanos) + nd.doWork(nowNanos);
        }

        @Override
        public long nextDeadline() {
            long a = role.nextDeadline();
            long b = nd.nextDeadline();
            if (a == Long.MAX_VALUE || a != Long.MIN_VALUE && b != Long.MAX_VALUE && b - a < 0) {
                return b;
            }
            return a;
        }

        @Override
        public String toString() {
            return role.getClass().getName() + " on " + interfaceName;
        }

        /** Neighbor Discovery's output: frames and injects (role thread). */
        void transmit(byte[] packet, int offset, int length, MacAddress to) {
            if (recorder != null) {
                recorder.record(epoch.unixNanos(now), packet, offset, length);
            }
            if (length > frame.length - EthernetFraming.HEADER_LENGTH) {
                sendFailed.incrementAndGet();
                return;
            }
            int n = EthernetFraming.frame(frame, to, mac, packet, offset, length);
            if (out.inject(frame, n)) {
                sent.incrementAndGet();
            } else {
                sendFailed.incrementAndGet();
            }
        }
    }
}
