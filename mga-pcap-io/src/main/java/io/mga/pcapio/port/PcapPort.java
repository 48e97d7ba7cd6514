package io.mga.pcapio.port;

import io.mga.pcapio.link.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live interface through pcap4j (libpcap), and nothing protocol-specific: it opens the interface with a BPF
 * filter, runs a capture thread that hands each frame to a {@link FrameSink} (which only queues it), injects
 * frames, and reads the kernel's capture statistics back.
 *
 * <p>The capture handle is opened in immediate mode (frames are delivered as they arrive) with a kernel buffer
 * sized for bursts (default 32 MiB) and a snapshot length that fits the interface's largest frame (its MTU plus
 * the Ethernet header and two VLAN tags, read from {@code /sys/class/net}; 65535 where that cannot be read): on
 * Linux, libpcap's ring holds buffer / (snaplen rounded up) frames, so a 64 KiB snaplen leaves about 30 frames
 * in the default 2 MiB. Frames longer than the snapshot length are dropped and counted ({@link Stats#truncated}).
 * The capture thread reads without blocking while frames are waiting (through {@link LibpcapReader}: one native
 * call and one copy per frame, no allocation); when none is left (the end of a burst) it reads {@code pcap_stats}
 * (at most every 10 ms), so that the kernel's drops ({@link Stats#kernelDropped}) and the interface's ({@link
 * Stats#interfaceDropped}) show up in the counters, and then waits in {@code poll(2)} on the capture socket for the
 * next frame, or the read timeout (then it reads the statistics if they are due); {@link #close()} ends the wait. {@code pcap_stats} is also read every 256 frames of a long burst.
 *
 * <p>A second handle, whose filter accepts nothing, injects the frames. {@link #inject} is thread-safe.
 */
public final class PcapPort implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PcapPort.class);
    private static final int STATS_EVERY = 256;
    /** The least time between two {@code pcap_stats} at a burst's end. */
    private static final long STATS_MIN_NANOS = 10_000_000L;
    /** Ethernet header plus two VLAN tags. */
    private static final int LINK_OVERHEAD = 14 + 8;

    /** Receives the captured frames, on the capture thread; it should only queue them. */
    @FunctionalInterface
    public interface FrameSink {
        /**
         * One frame, whole (frames cut short by the snapshot length are dropped before).
         *
         * @param frame the frame, from index 0; the array is reused for the next frame once this call returns (copy
         *     what is kept)
         * @param length its octets
         */
        void frame(byte[] frame, int length);
    }

    /**
     * The capture's statistics so far.
     *
     * @param captured frames read from libpcap
     * @param truncated frames dropped because they were longer than the snapshot length
     * @param kernelReceived packets the kernel's capture saw ({@code ps_recv})
     * @param kernelDropped packets the kernel dropped because its capture buffer was full ({@code ps_drop})
     * @param interfaceDropped packets the interface itself dropped, all traffic ({@code ps_ifdrop}; on Linux the
     *     device's missed and FIFO errors)
     * @param stale frames dropped because they had waited in the capture buffer longer than the age limit ({@link
     *     Builder#maxFrameAgeMillis}): what an overloaded reader sheds so that what it answers is recent
     */
    public record Stats(long captured, long truncated, long kernelReceived, long kernelDropped,
            long interfaceDropped, long stale) {
    }

    private final String interfaceName;
    private final int snaplen;
    private final int bufferBytes;
    private final int readTimeoutMillis;
    private final PcapHandle rx;
    private final PcapHandle tx;
    private final MacAddress hardwareAddress;
    private final AtomicLong captured = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    private final AtomicLong kernelReceived = new AtomicLong();
    private final AtomicLong kernelDropped = new AtomicLong();
    private final AtomicLong interfaceDropped = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    private final long maxAgeMicros;
    private volatile boolean running;
    private volatile boolean closed;
    private Thread captureThread;
    private Reader inline;

    private PcapPort(Builder b) throws IOException {
        this.interfaceName = b.interfaceName;
        this.snaplen = b.snaplen > 0 ? b.snaplen : defaultSnaplen(interfaceName);
        this.bufferBytes = b.bufferBytes;
        this.readTimeoutMillis = b.readTimeoutMillis;
        this.maxAgeMicros = b.maxAgeMillis * 1000L;
        PcapHandle r = null;
        PcapHandle t = null;
        try {
            PcapNetworkInterface nif = Pcaps.getDevByName(interfaceName);
            if (nif == null) {
                throw new IOException("no interface named " + interfaceName);
            }
            MacAddress hw = null;
            if (!nif.getLinkLayerAddresses().isEmpty()
                    && nif.getLinkLayerAddresses().get(0).getAddress().length == MacAddress.BYTES) {
                hw = MacAddress.of(nif.getLinkLayerAddresses().get(0).getAddress());
            }
            this.hardwareAddress = hw;
            r = new PcapHandle.Builder(interfaceName).snaplen(snaplen).bufferSize(bufferBytes)
                    .promiscuousMode(b.promiscuous ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                            : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(readTimeoutMillis).immediateMode(true).build();
            r.setFilter(b.filter, BpfProgram.BpfCompileMode.OPTIMIZE);
            r.setDirection(PcapHandle.PcapDirection.IN);
            // the sending handle captures nothing: without a filter the kernel would copy every frame into it too
            t = new PcapHandle.Builder(interfaceName).snaplen(64).bufferSize(64 * 1024)
                    .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS).timeoutMillis(1000).build();
            t.setFilter("len < 0", BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException | NotOpenException e) {
            closeQuietly(r);
            closeQuietly(t);
            throw new IOException("cannot open " + interfaceName + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(r);
            closeQuietly(t);
            throw e;
        }
        this.rx = r;
        this.tx = t;
    }

    /**
     * @param interfaceName the interface, e.g. {@code eth0}
     * @return a builder
     */
    public static Builder builder(String interfaceName) {
        return new Builder(interfaceName);
    }

    /** Configures a {@link PcapPort}. */
    public static final class Builder {
        private final String interfaceName;
        private int snaplen;
        private int bufferBytes = 32 << 20;
        private int readTimeoutMillis = 1000;
        private int maxAgeMillis;
        private String filter = "ip6";
        private boolean promiscuous = true;

        private Builder(String interfaceName) {
            this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
        }

        /**
         * @param octets the snapshot length (default: the interface's MTU plus 22, or 65535 if unknown)
         * @return this builder
         */
        public Builder snaplen(int octets) {
            if (octets < 64 || octets > 262_144) {
                throw new IllegalArgumentException("snaplen must be 64 to 262144, got " + octets);
            }
            this.snaplen = octets;
            return this;
        }

        /**
         * @param octets the kernel capture buffer (default 32 MiB)
         * @return this builder
         */
        public Builder bufferSize(int octets) {
            if (octets < 4096) {
                throw new IllegalArgumentException("bufferSize must be 4096 or more, got " + octets);
            }
            this.bufferBytes = octets;
            return this;
        }

        /**
         * @param millis the handle's read timeout (default 1000); the idle capture thread of {@link #start} waits
         *     at most this long in {@code poll(2)} (then reads the statistics if frames came since)
         * @return this builder
         */
        public Builder readTimeoutMillis(int millis) {
            if (millis < 1) {
                throw new IllegalArgumentException("readTimeoutMillis must be positive, got " + millis);
            }
            this.readTimeoutMillis = millis;
            return this;
        }

        /**
         * @param millis frames that waited in the capture buffer longer than this (by the kernel's capture time
         *     stamps against the wall clock) are dropped unread and counted ({@link Stats#stale}); 0, the default,
         *     for no limit. An overloaded reader then sheds the old backlog and answers what is recent, instead of
         *     answering everything seconds late
         * @return this builder
         */
        public Builder maxFrameAgeMillis(int millis) {
            if (millis < 0) {
                throw new IllegalArgumentException("maxFrameAgeMillis must be 0 or more, got " + millis);
            }
            this.maxAgeMillis = millis;
            return this;
        }

        /**
         * @param bpf the capture filter (default {@code ip6})
         * @return this builder
         */
        public Builder filter(String bpf) {
            this.filter = Objects.requireNonNull(bpf, "filter");
            return this;
        }

        /**
         * @param on whether to capture in promiscuous mode (default true: the role's solicited-node multicast
         *     groups and, with an Ethernet address of its own, its unicast frames are not the interface's)
         * @return this builder
         */
        public Builder promiscuous(boolean on) {
            this.promiscuous = on;
            return this;
        }

        /**
         * Opens the interface (capture and injection handles); the capture thread starts with {@link #start}.
         *
         * @return the port
         * @throws IOException if the interface cannot be opened (unknown name, no privileges, bad filter)
         */
        public PcapPort open() throws IOException {
            return new PcapPort(this);
        }
    }

    /** @return the interface's name */
    public String interfaceName() {
        return interfaceName;
    }

    /** @return the interface's Ethernet address, if it has one */
    public Optional<MacAddress> hardwareAddress() {
        return Optional.ofNullable(hardwareAddress);
    }

    /** @return the snapshot length in use */
    public int snaplen() {
        return snaplen;
    }

    /** @return the kernel capture buffer asked for, in octets */
    public int bufferSize() {
        return bufferBytes;
    }

    /**
     * Replaces the capture filter, before {@link #start} (libpcap handles are not thread-safe, so not after).
     *
     * @param bpf the new filter
     * @throws IOException if libpcap refuses it
     * @throws IllegalStateException if started, or closed
     */
    public synchronized void filter(String bpf) throws IOException {
        Objects.requireNonNull(bpf, "filter");
        if (captureThread != null || closed) {
            throw new IllegalStateException("the filter of " + interfaceName + " is set before the capture starts");
        }
        try {
            rx.setFilter(bpf, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException | NotOpenException e) {
            throw new IOException("filter \"" + bpf + "\" on " + interfaceName + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts the capture thread (non-daemon; {@link #close()} ends it).
     *
     * @param sink where frames go
     * @param onFailure called once, on the capture thread, if capture fails (libpcap error, the interface
     *     went away, the sink threw); the thread then ends
     * @throws IllegalStateException if started before, or closed
     */
    public synchronized void start(FrameSink sink, Consumer<Throwable> onFailure) {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(onFailure, "onFailure");
        Reader r = reader();
        captureThread = new Thread(() -> capture(r, sink, onFailure), "mga-capture-" + interfaceName);
        captureThread.start();
    }

    /**
     * Reads the capture on the caller's thread instead of a thread of the port's own: the caller's loop calls
     * {@link Reader#pump} and, when idle, {@link Reader#await}; other threads end the wait with {@link
     * Reader#wakeup()}. A role thread that reads its own capture this way saves a hand-off per packet. The caller
     * stops reading before it calls {@link #close()} (libpcap's handle is freed there).
     *
     * @return the reader
     * @throws IllegalStateException if started before, or closed
     */
    public synchronized Reader inline() {
        return reader();
    }

    private Reader reader() {
        if (captureThread != null || inline != null || closed) {
            throw new IllegalStateException("the port on " + interfaceName + " was started or closed before");
        }
        running = true;
        try {
            rx.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
        } catch (PcapNativeException | NotOpenException e) {
            throw new IllegalStateException("cannot make the capture of " + interfaceName + " non-blocking: "
                    + e.getMessage(), e);
        }
        inline = new Reader(new LibpcapReader(rx, snaplen, maxAgeMicros));
        return inline;
    }

    private void capture(Reader r, FrameSink sink, Consumer<Throwable> onFailure) {
        try {
            while (running) {
                if (r.pump(sink, STATS_EVERY) == 0) {
                    r.await(readTimeoutMillis * 1_000_000L);
                }
            }
        } catch (RuntimeException | Error e) {
            if (running) {
                fail(onFailure, e);
            }
        }
    }

    /**
     * Reads the capture: from the port's own thread ({@link #start}) or from the caller's ({@link #inline()}).
     * {@link #pump} and {@link #await} from one thread only; {@link #wakeup()} from any.
     */
    public final class Reader {
        private final LibpcapReader libpcap;
        private int sinceStats;
        private long lastStats = System.nanoTime();

        private Reader(LibpcapReader libpcap) {
            this.libpcap = libpcap;
        }

        /**
         * Reads the frames waiting, at most {@code max}, without blocking, and hands each to the sink. When none
         * is left (the end of a burst) it reads {@code pcap_stats} (at most every 10 ms), and also every 256 frames.
         *
         * @param sink where frames go (the array is reused after each call of the sink)
         * @param max most frames read
         * @return frames read (those dropped as too long included); 0 when none was waiting
         * @throws IllegalStateException on a libpcap error (e.g. the interface went away), or after {@link #close()}
         */
        public int pump(FrameSink sink, int max) {
            if (!running) {
                throw new IllegalStateException("the port on " + interfaceName + " is closed");
            }
            int n = 0;
            if (maxAgeMicros > 0) {
                libpcap.now(System.currentTimeMillis() * 1000L);
            }
            while (n < max) {
                int r = libpcap.next();
                if (r == LibpcapReader.FRAME) {
                    n++;
                    captured.incrementAndGet();
                    sink.frame(libpcap.frame(), libpcap.length());
                } else if (r == LibpcapReader.TRUNCATED) {
                    n++;
                    captured.incrementAndGet();
                    truncated.incrementAndGet();
                } else if (r == LibpcapReader.STALE) {
                    n++;
                    captured.incrementAndGet();
                    stale.incrementAndGet();
                } else {
                    // NONE: the burst is over; BREAK: close() woke a reader (the caller sees that it must stop)
                    long now = System.nanoTime();
                    if (sinceStats > 0 && now - lastStats >= STATS_MIN_NANOS) {
                        stats(now);
                    }
                    return n;
                }
                if (++sinceStats >= STATS_EVERY) {
                    stats(System.nanoTime());
                }
            }
            return n;
        }

        private void stats(long now) {
            readStats();
            sinceStats = 0;
            lastStats = now;
        }

        /**
         * Waits for a frame, a {@link #wakeup()} ({@link PcapPort#close()} calls it), or the timeout (rounded up to
         * a millisecond).
         * Reads {@code pcap_stats} afterwards if frames were read since the last time and 10 ms have passed.
         *
         * @param nanos the longest wait
         */
        public void await(long nanos) {
            long millis = Math.max(0, Math.min(Integer.MAX_VALUE, (nanos + 999_999L) / 1_000_000L));
            libpcap.await((int) millis);
            long now = System.nanoTime();
            if (sinceStats > 0 && now - lastStats >= STATS_MIN_NANOS) {
                stats(now);
            }
        }

        /**
         * Makes {@link #await} also end when {@code fd} is readable: one more input the same thread reads (a TUN
         * device's descriptor, for host delivery). Before the first {@link #await}.
         *
         * @param fd the descriptor
         */
        public void watch(int fd) {
            libpcap.watch(fd);
        }

        /** Ends a wait in {@link #await} now, or makes the next one return at once. Thread-safe. */
        public void wakeup() {
            libpcap.wakeup();
        }
    }

    private void fail(Consumer<Throwable> onFailure, Throwable t) {
        running = false;
        LOG.error("capture on {} failed", interfaceName, t);
        try {
            onFailure.accept(t);
        } catch (RuntimeException x) {
            LOG.error("onFailure callback for {} threw", interfaceName, x);
        }
    }

    /** Reads {@code pcap_stats}; on the capture thread (or after it ended): libpcap handles are not thread-safe. */
    private void readStats() {
        try {
            PcapStat s = rx.getStats();
            kernelReceived.set(s.getNumPacketsReceived());
            kernelDropped.set(s.getNumPacketsDropped());
            interfaceDropped.set(s.getNumPacketsDroppedByIf());
        } catch (PcapNativeException | NotOpenException e) {
            LOG.debug("pcap_stats on {}: {}", interfaceName, e.getMessage());
        }
    }

    /** @return the statistics so far (the kernel's as of the end of the last burst, or of {@link #close()}) */
    public Stats stats() {
        return new Stats(captured.get(), truncated.get(), kernelReceived.get(), kernelDropped.get(),
                interfaceDropped.get(), stale.get());
    }

    /**
     * Injects one frame.
     *
     * @param frame the frame, from index 0
     * @param length its octets
     * @return false if libpcap refused it (logged at debug level) or the port is closed
     */
    public boolean inject(byte[] frame, int length) {
        if (closed) {
            return false;
        }
        try {
            tx.sendPacket(frame, length);
            return true;
        } catch (PcapNativeException | NotOpenException e) {
            LOG.debug("send on {} failed: {}", interfaceName, e.getMessage());
            return false;
        }
    }

    /**
     * Stops the capture thread (the wake-up ends its wait at once), reads the statistics a last time and closes both
     * handles. Idempotent; from the capture thread itself (a sink's failure path) it does not wait for itself.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = false;
            t = captureThread;
        }
        if (inline != null) {
            inline.wakeup(); // ends the capture thread's wait in poll(2)
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                rx.breakLoop(); // the next read returns at once
            } catch (NotOpenException e) {
                // closed already
            }
            try {
                t.join(readTimeoutMillis + 2000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (t == null || !t.isAlive()) {
            readStats();
        }
        if (inline != null) {
            inline.libpcap.close();
        }
        closeQuietly(rx);
        closeQuietly(tx);
    }

    private static void closeQuietly(PcapHandle h) {
        if (h != null && h.isOpen()) {
            h.close();
        }
    }

    /** The interface's MTU plus the Ethernet header and two VLAN tags; 65535 when it cannot be read. */
    static int defaultSnaplen(String interfaceName) {
        Path mtu = Path.of("/sys/class/net", interfaceName, "mtu");
        try {
            if (interfaceName.indexOf('/') < 0 && Files.isReadable(mtu)) {
                int m = Integer.parseInt(Files.readString(mtu).trim());
                return Math.max(1280 + LINK_OVERHEAD, Math.min(65535, m + LINK_OVERHEAD));
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("MTU of {} unreadable: {}", interfaceName, e.getMessage());
        }
        return 65535;
    }
}
