package io.mga.pcapio;

import io.mga.api.Bytes;
import io.mga.api.Clock;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.PacketIo;
import io.mga.api.Role;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.NdOption;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.fast.Ipv6View;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Role} on a live Ethernet interface through pcap4j. It owns the role's addresses on the link: it
 * answers Neighbor Solicitations for them (RFC 4861 §7.2.4; Override cleared for anycast addresses, §7.2.7),
 * resolves next hops with its own solicitations (a cache, 3 solicitations one second apart, a bounded queue of
 * packets per unresolved neighbour), sends off-link packets to a configured default router, and frames and
 * unframes Ethernet.
 *
 * <p>Threads: a capture thread only copies frames into a bounded queue (full: dropped and counted); one role
 * thread takes them, handles Neighbor Discovery, and calls the role's {@code receive} and {@code doWork} with the
 * injected clock. The role and the ND state are touched by the role thread only; {@link #send} must be called
 * from it (the role does). {@link #close()} stops both threads and closes the handles.
 *
 * <p>The host's own kernel must stay out of the way: it must not hold the role's addresses (it would answer
 * for them) nor forward the role's traffic. Either leave the interface without those addresses, or disable IPv6
 * on it for the kernel ({@code sysctl net.ipv6.conf.IFACE.disable_ipv6=1}); capture works either way.
 */
public final class LiveInterface implements PacketIo, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveInterface.class);
    private static final int ETH = 14;
    private static final long RETRANS = 1_000_000_000L;
    private static final int MAX_SOLICIT = 3;
    private static final int MAX_QUEUED_PER_NEIGHBOR = 8;
    private static final int MAX_NEIGHBORS = 4096;
    private static final long REACHABLE = 300_000_000_000L;

    /** Counters, safe to read from any thread. */
    public static final class Counters {
        final AtomicLong received = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong malformed = new AtomicLong();

        /** @return IPv6 frames handed to the role (Neighbor Discovery included) */
        public long received() {
            return received.get();
        }

        /** @return frames injected */
        public long sent() {
            return sent.get();
        }

        /** @return frames or packets dropped: queue full, neighbour unresolved, no route */
        public long dropped() {
            return dropped.get();
        }

        /** @return frames that were not IPv6 or did not parse */
        public long malformed() {
            return malformed.get();
        }
    }

    private static final class Neighbor {
        byte[] mac;
        long expiresAt;
        int solicits;
        long nextSolicit;
        final ArrayDeque<byte[]> waiting = new ArrayDeque<>();
    }

    private final String interfaceName;
    /** The Ethernet address given to the builder, or null to use the interface's own. */
    private final byte[] configuredMac;
    /** The Ethernet address frames are sent from, fixed by {@link #start}. */
    private final byte[] frameMac = new byte[6];
    private final List<Ipv6Prefix> owned;
    private final List<Ipv6Prefix> anycast;
    private final List<Ipv6Prefix> onLink;
    private final Ipv6Address defaultRouter;
    private final Ipv6Address source;
    private final Clock clock;
    private final String filter;
    private final BlockingQueue<byte[]> inbound;
    private final PcapRecorder recorder;
    private final long wallOffsetNanos;
    private final BlockingQueue<java.util.function.LongConsumer> commands = new ArrayBlockingQueue<>(1024);
    private final Map<Ipv6Address, Neighbor> neighbors = new HashMap<>();
    private final Counters counters = new Counters();
    private final Ipv6View view = new Ipv6View();
    private final byte[] frame = new byte[ETH + 65535 + 40];
    private PcapHandle rx;
    private PcapHandle tx;
    private Role role;
    private Thread captureThread;
    private Thread roleThread;
    private volatile boolean running;

    private LiveInterface(Builder b) {
        this.interfaceName = Objects.requireNonNull(b.interfaceName, "interface");
        this.owned = List.copyOf(b.owned);
        this.anycast = List.copyOf(b.anycast);
        this.onLink = List.copyOf(b.onLink);
        this.defaultRouter = b.defaultRouter;
        this.clock = b.clock;
        this.filter = b.filter;
        this.inbound = new ArrayBlockingQueue<>(b.queue);
        this.recorder = b.recorder;
        this.wallOffsetNanos = b.wallOffsetNanos;
        if (owned.isEmpty()) {
            throw new IllegalArgumentException("the interface must own at least one address for the role");
        }
        this.source = owned.get(0).address();
        this.configuredMac = b.mac;
        for (Map.Entry<Ipv6Address, byte[]> e : b.statics.entrySet()) {
            Neighbor n = new Neighbor();
            n.mac = e.getValue().clone();
            n.expiresAt = Long.MAX_VALUE;
            neighbors.put(e.getKey(), n);
        }
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link LiveInterface}. */
    public static final class Builder {
        private String interfaceName;
        private byte[] mac;
        private final List<Ipv6Prefix> owned = new ArrayList<>();
        private final List<Ipv6Prefix> anycast = new ArrayList<>();
        private final List<Ipv6Prefix> onLink = new ArrayList<>();
        private Ipv6Address defaultRouter;
        private final Map<Ipv6Address, byte[]> statics = new HashMap<>();
        private Clock clock = Clock.SYSTEM;
        private String filter = "ip6";
        private int queue = 4096;
        private PcapRecorder recorder;
        private long wallOffsetNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();

        private Builder() {
        }

        /**
         * Records every IPv6 packet the role receives and sends (Neighbor Discovery included) to a capture that
         * Wireshark opens, stamped with wall-clock time.
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
         * The Ethernet address to use (default: the interface's own).
         *
         * @param address 6 octets
         * @return this builder
         */
        public Builder mac(byte[] address) {
            if (address.length != 6) {
                throw new IllegalArgumentException("an Ethernet address has 6 octets");
            }
            this.mac = address.clone();
            return this;
        }

        /**
         * A unicast address the role owns on this link (the first one is the source of solicitations).
         *
         * @param a the address
         * @return this builder
         */
        public Builder own(Ipv6Address a) {
            owned.add(new Ipv6Prefix(a, 128));
            onLink.add(new Ipv6Prefix(a, 64));
            return this;
        }

        /**
         * Anycast addresses the role answers for (advertised with Override cleared, RFC 4861 §7.2.7).
         *
         * @param p the anycast addresses, as a prefix
         * @return this builder
         */
        public Builder ownAnycast(Ipv6Prefix p) {
            owned.add(p);
            anycast.add(p);
            return this;
        }

        /**
         * A prefix whose addresses are on this link (resolved directly rather than sent to the router).
         *
         * @param p the prefix
         * @return this builder
         */
        public Builder onLink(Ipv6Prefix p) {
            onLink.add(p);
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
         * A neighbour whose link-layer address is known in advance (never solicited, never expires).
         *
         * @param a the neighbour's address
         * @param address its Ethernet address
         * @return this builder
         */
        public Builder staticNeighbor(Ipv6Address a, byte[] address) {
            statics.put(a, address.clone());
            return this;
        }

        /**
         * @param c the clock given to the role (default the system's monotonic clock)
         * @return this builder
         */
        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        /**
         * @param bpf the capture filter (default {@code ip6})
         * @return this builder
         */
        public Builder filter(String bpf) {
            this.filter = bpf;
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
     * Runs a task on the role thread with the current time, e.g. {@code live.submit(responder::start)}: the only
     * way other threads may touch the role.
     *
     * @param task the task
     * @throws IllegalStateException if too many tasks are pending
     */
    public void submit(java.util.function.LongConsumer task) {
        if (!commands.offer(task)) {
            throw new IllegalStateException("too many pending tasks for the role thread");
        }
    }

    /**
     * Opens the interface and starts the capture and role threads.
     *
     * @param r the role; it must send through this object
     * @throws PcapNativeException if the interface cannot be opened (unknown name, no privileges)
     */
    public void start(Role r) throws PcapNativeException {
        this.role = r;
        PcapNetworkInterface nif = Pcaps.getDevByName(interfaceName);
        if (nif == null) {
            throw new PcapNativeException("no interface named " + interfaceName);
        }
        // immediate mode: frames are delivered at once, not when a TPACKET_V3 block fills; non-blocking reads:
        // a blocking pcap_next may wait forever on a silent link (and holds pcap4j's handle lock meanwhile)
        rx = new PcapHandle.Builder(interfaceName).snaplen(65535)
                .promiscuousMode(PcapNetworkInterface.PromiscuousMode.PROMISCUOUS).timeoutMillis(1)
                .immediateMode(true).build();
        tx = nif.openLive(65535, PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS, 10);
        try {
            rx.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
            rx.setDirection(org.pcap4j.core.PcapHandle.PcapDirection.IN);
            rx.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
        } catch (org.pcap4j.core.NotOpenException e) {
            throw new PcapNativeException("handle closed while configuring: " + e.getMessage());
        }
        byte[] own = configuredMac != null ? configuredMac
                : nif.getLinkLayerAddresses().isEmpty() ? null : nif.getLinkLayerAddresses().get(0).getAddress();
        if (own == null || own.length != 6) {
            throw new PcapNativeException(interfaceName + " has no Ethernet address");
        }
        System.arraycopy(own, 0, frameMac, 0, 6);
        running = true;
        captureThread = new Thread(this::capture, "mga-capture-" + interfaceName);
        roleThread = new Thread(this::loop, "mga-role-" + interfaceName);
        captureThread.setDaemon(true);
        roleThread.setDaemon(true);
        captureThread.start();
        roleThread.start();
    }

    private void capture() {
        while (running) {
            byte[] f;
            try {
                f = rx.getNextRawPacket();
            } catch (org.pcap4j.core.NotOpenException e) {
                return;
            }
            if (f == null) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000L); // nothing to read: 0.2 ms
                continue;
            }
            if (f.length < ETH + 40 || (f[12] & 0xff) != 0x86 || (f[13] & 0xff) != 0xdd) {
                counters.malformed.incrementAndGet();
                continue;
            }
            byte[] p = java.util.Arrays.copyOfRange(f, ETH, f.length);
            if (!inbound.offer(p)) {
                counters.dropped.incrementAndGet();
            }
        }
    }

    private void loop() {
        while (running) {
            long now = clock.nanos();
            for (java.util.function.LongConsumer c = commands.poll(); c != null; c = commands.poll()) {
                c.accept(now);
            }
            role.doWork(now);
            ndWork(now);
            long deadline = Math.min(role.nextDeadline(), now + 20_000_000L);
            long wait = Math.max(0, deadline - now);
            byte[] p;
            try {
                p = inbound.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            while (p != null) {
                counters.received.incrementAndGet();
                if (recorder != null) {
                    recorder.record(wallOffsetNanos + System.nanoTime(), p, 0, p.length);
                }
                handle(p, clock.nanos());
                p = inbound.poll();
            }
        }
    }

    private boolean owns(Ipv6Address a) {
        for (Ipv6Prefix p : owned) {
            if (p.contains(a)) {
                return true;
            }
        }
        return false;
    }

    private boolean isAnycast(Ipv6Address a) {
        for (Ipv6Prefix p : anycast) {
            if (p.contains(a)) {
                return true;
            }
        }
        return false;
    }

    private void handle(byte[] p, long now) {
        if (!view.wrap(p, 0, p.length)) {
            counters.malformed.incrementAndGet();
            return;
        }
        int icmp = view.icmpv6Type();
        if (icmp == 135 || icmp == 136) {
            neighborDiscovery(p, now);
            return;
        }
        Ipv6Address dst = new Ipv6Address(view.destinationHigh(), view.destinationLow());
        if (owns(dst)) {
            role.receive(p, 0, p.length, now);
        }
    }

    private void neighborDiscovery(byte[] p, long now) {
        Ipv6Packet pkt;
        try {
            pkt = PacketDecoder.decode(p);
        } catch (MalformedPacketException e) {
            counters.malformed.incrementAndGet();
            return;
        }
        // RFC 4861 §7.1.1/§7.1.2: Hop Limit 255, or the packet came from off-link
        if (pkt.header().hopLimit() != 255 || !(pkt.upper() instanceof Icmpv6 i)) {
            return;
        }
        if (i.message() instanceof Icmpv6Message.NeighborSolicitation ns && owns(ns.target())) {
            byte[] theirMac = null;
            for (NdOption o : ns.options()) {
                if (o instanceof NdOption.LinkLayerAddress l && l.type() == NdOption.LinkLayerAddress.SOURCE
                        && l.address().length() >= 6) {
                    theirMac = java.util.Arrays.copyOf(l.address().toArray(), 6);
                }
            }
            Ipv6Address to = pkt.header().source();
            long flags = Icmpv6Message.NeighborAdvertisement.FLAG_S
                    | (isAnycast(ns.target()) ? 0 : Icmpv6Message.NeighborAdvertisement.FLAG_O);
            if (to.isUnspecified()) {
                to = Ipv6Address.parse("ff02::1"); // answering DAD: to all nodes, not solicited
                flags &= ~Icmpv6Message.NeighborAdvertisement.FLAG_S;
            } else if (theirMac != null) {
                learn(to, theirMac, now);
            }
            Ipv6Packet na = Ipv6Packet.build(Ipv6Header.of(255, ns.target(), to), List.of(), new Icmpv6(
                    new Icmpv6Message.NeighborAdvertisement(0, flags, ns.target(), List.of(
                            new NdOption.LinkLayerAddress(NdOption.LinkLayerAddress.TARGET, Bytes.of(frameMac))))));
            byte[] b = PacketEncoder.encode(na);
            transmit(b, 0, b.length, macFor(to, theirMac));
        } else if (i.message() instanceof Icmpv6Message.NeighborAdvertisement na) {
            for (NdOption o : na.options()) {
                if (o instanceof NdOption.LinkLayerAddress l && l.type() == NdOption.LinkLayerAddress.TARGET
                        && l.address().length() >= 6 && neighbors.containsKey(na.target())) {
                    learn(na.target(), java.util.Arrays.copyOf(l.address().toArray(), 6), now);
                }
            }
        }
    }

    private byte[] macFor(Ipv6Address to, byte[] known) {
        if (known != null) {
            return known;
        }
        if (to.isMulticast()) {
            return multicastMac(to);
        }
        Neighbor n = neighbors.get(to);
        return n != null && n.mac != null ? n.mac : multicastMac(Ipv6Address.parse("ff02::1"));
    }

    private void learn(Ipv6Address a, byte[] address, long now) {
        Neighbor n = neighbors.get(a);
        if (n == null) {
            if (neighbors.size() >= MAX_NEIGHBORS) {
                return;
            }
            n = new Neighbor();
            neighbors.put(a, n);
        }
        if (n.expiresAt == Long.MAX_VALUE) {
            return; // static
        }
        n.mac = address;
        n.expiresAt = now + REACHABLE;
        n.solicits = 0;
        while (!n.waiting.isEmpty()) {
            byte[] p = n.waiting.poll();
            transmit(p, 0, p.length, n.mac);
        }
    }

    private void ndWork(long now) {
        List<Ipv6Address> failed = new ArrayList<>();
        for (Map.Entry<Ipv6Address, Neighbor> e : neighbors.entrySet()) {
            Neighbor n = e.getValue();
            if (n.mac == null && now - n.nextSolicit >= 0) {
                if (n.solicits >= MAX_SOLICIT) {
                    counters.dropped.addAndGet(n.waiting.size());
                    failed.add(e.getKey());
                } else {
                    solicit(e.getKey(), n, now);
                }
            } else if (n.mac != null && n.expiresAt != Long.MAX_VALUE && now - n.expiresAt >= 0) {
                failed.add(e.getKey());
            }
        }
        failed.forEach(neighbors::remove);
    }

    private void solicit(Ipv6Address target, Neighbor n, long now) {
        n.solicits++;
        n.nextSolicit = now + RETRANS;
        Ipv6Address group = new Ipv6Address(0xff02_0000_0000_0000L, 0x0000_0001_ff00_0000L | (target.low() & 0xffffff));
        Ipv6Packet ns = Ipv6Packet.build(Ipv6Header.of(255, source, group), List.of(), new Icmpv6(
                new Icmpv6Message.NeighborSolicitation(0, 0, target, List.of(
                        new NdOption.LinkLayerAddress(NdOption.LinkLayerAddress.SOURCE, Bytes.of(frameMac))))));
        byte[] b = PacketEncoder.encode(ns);
        transmit(b, 0, b.length, multicastMac(group));
    }

    private static byte[] multicastMac(Ipv6Address group) {
        long lo = group.low();
        return new byte[] {0x33, 0x33, (byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
    }

    /**
     * Sends an IPv6 packet: to its destination if on-link, else to the default router; resolving the next hop
     * first if needed. Call from the role thread.
     */
    @Override
    public void send(byte[] packet, int offset, int length) {
        if (length < 40) {
            counters.dropped.incrementAndGet();
            return;
        }
        Ipv6Address dst = Ipv6Address.read(packet, offset + 24);
        if (dst.isMulticast()) {
            transmit(packet, offset, length, multicastMac(dst));
            return;
        }
        Ipv6Address hop = dst;
        boolean local = dst.isLinkLocal();
        for (Ipv6Prefix p : onLink) {
            local |= p.contains(dst);
        }
        if (!local) {
            if (defaultRouter == null) {
                counters.dropped.incrementAndGet();
                return;
            }
            hop = defaultRouter;
        }
        Neighbor n = neighbors.get(hop);
        if (n != null && n.mac != null) {
            transmit(packet, offset, length, n.mac);
            return;
        }
        if (n == null) {
            if (neighbors.size() >= MAX_NEIGHBORS) {
                counters.dropped.incrementAndGet();
                return;
            }
            n = new Neighbor();
            neighbors.put(hop, n);
            solicit(hop, n, clock.nanos());
        }
        if (n.waiting.size() >= MAX_QUEUED_PER_NEIGHBOR) {
            counters.dropped.incrementAndGet();
            return;
        }
        n.waiting.add(java.util.Arrays.copyOfRange(packet, offset, offset + length));
    }

    private void transmit(byte[] packet, int offset, int length, byte[] dstMac) {
        System.arraycopy(dstMac, 0, frame, 0, 6);
        System.arraycopy(frameMac, 0, frame, 6, 6);
        frame[12] = (byte) 0x86;
        frame[13] = (byte) 0xdd;
        System.arraycopy(packet, offset, frame, ETH, length);
        if (recorder != null) {
            recorder.record(wallOffsetNanos + System.nanoTime(), packet, offset, length);
        }
        try {
            tx.sendPacket(frame, ETH + length);
            counters.sent.incrementAndGet();
        } catch (PcapNativeException | org.pcap4j.core.NotOpenException e) {
            counters.dropped.incrementAndGet();
            LOG.debug("send failed on {}: {}", interfaceName, e.getMessage());
        }
    }

    /** Stops the threads and closes the interface. */
    @Override
    public void close() {
        running = false;
        try {
            if (roleThread != null) {
                roleThread.join(2000);
            }
            if (captureThread != null) {
                captureThread.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (rx != null && rx.isOpen()) {
            rx.close();
        }
        if (tx != null && tx.isOpen()) {
            tx.close();
        }
    }
}
