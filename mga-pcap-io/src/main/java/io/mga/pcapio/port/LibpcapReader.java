package io.mga.pcapio.port;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import org.pcap4j.core.PcapHandle;

/**
 * The capture thread's read path: {@code pcap_next_ex} and {@code poll(2)} called through JNA's direct mapping on
 * the {@code pcap_t} of a handle pcap4j opened, with the out-parameters in memory allocated once.
 *
 * <p>Why not pcap4j's own {@code getNextRawPacketEx}: it allocates per frame two JNA {@code Memory} blocks (each a
 * {@code malloc} and a finalizer), a {@code Timestamp} and the frame's array, and a burst's end costs a blocking-mode
 * switch (two {@code fcntl}); measured on the lab's agent that was about 17 µs of user time per frame, plus the
 * finalizer and GC threads' time, more than the agent's forwarding itself. Here a frame costs one native call and
 * one copy into a reused array. pcap4j still opens, filters, injects, reads the statistics and closes the handle;
 * only this loop reads it. pcap4j 1.8.2 does not expose the {@code pcap_t}, so it is read once from the handle's
 * private field (pcap4j is on the class path: no module boundary is crossed).
 *
 * <p>{@link #next} and {@link #await} from one thread only (the one that reads the capture); {@link #wakeup()} from
 * any thread.
 */
final class LibpcapReader {
    /** {@code struct pcap_pkthdr}: a {@code struct timeval} (two longs on LP64), then caplen and len. */
    private static final int CAPLEN_OFFSET = Native.LONG_SIZE * 2;
    private static final int LEN_OFFSET = CAPLEN_OFFSET + 4;
    private static final short POLLIN = 0x1;

    static {
        String name = System.getProperty("org.pcap4j.core.pcapLibName", Platform.isWindows() ? "wpcap" : "pcap");
        Native.register(Pcap.class, NativeLibrary.getInstance(name));
        Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    /** libpcap, direct mapping. */
    private static final class Pcap {
        static native int pcap_next_ex(Pointer p, Pointer header, Pointer data);

        static native int pcap_get_selectable_fd(Pointer p);
    }

    /** libc, direct mapping. */
    private static final class Libc {
        static native int poll(Pointer fds, long count, int timeoutMillis) throws LastErrorException;

        static native int eventfd(int initial, int flags) throws LastErrorException;

        static native long read(int fd, Pointer buffer, long count) throws LastErrorException;

        static native long write(int fd, Pointer buffer, long count) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;
    }

    /** {@code EFD_NONBLOCK | EFD_CLOEXEC} (Linux). */
    private static final int EFD_FLAGS = 0x800 | 0x80000;

    /** What {@link #next} found. */
    static final int FRAME = 1;
    /** No frame waiting (non-blocking handle). */
    static final int NONE = 0;
    /** A frame longer than the snapshot length: not copied. */
    static final int TRUNCATED = 2;
    /** A frame captured longer ago than the reader's age limit: not copied. */
    static final int STALE = 3;
    /** {@code pcap_breakloop} was called. */
    static final int BREAK = -2;

    private final Pointer pcap;
    private final int fd;
    /** Two pointers written by {@code pcap_next_ex}: the header's and the data's. */
    private final Memory out = new Memory(2L * Native.POINTER_SIZE);
    private final Pointer outData = out.share(Native.POINTER_SIZE);
    /** Three {@code struct pollfd}: the capture socket, the wake-up eventfd, and one more the caller watches. */
    private final Memory pollFd = new Memory(24);
    private int watched;
    private final Memory counter = new Memory(8);
    private final Memory one = new Memory(8);
    private final int wakeFd;
    private boolean closed;
    private final byte[] frame;
    private final long maxAgeMicros;
    private long nowMicros;
    private int length;

    /**
     * @param handle an open, activated capture handle, set to non-blocking
     * @param snaplen its snapshot length (the largest frame copied)
     * @param maxAgeMicros frames captured longer ago than this (by the capture's time stamps, microseconds of the
     *     wall clock, against {@link #now}) are not copied ({@link #STALE}); 0 for no limit
     * @throws IllegalStateException if the handle's {@code pcap_t} cannot be read, or it has no selectable descriptor
     */
    LibpcapReader(PcapHandle handle, int snaplen, long maxAgeMicros) {
        this.maxAgeMicros = maxAgeMicros;
        this.pcap = pcapOf(handle);
        this.fd = Pcap.pcap_get_selectable_fd(pcap);
        if (fd < 0) {
            throw new IllegalStateException("the capture handle has no selectable file descriptor");
        }
        this.frame = new byte[snaplen];
        pollFd.setInt(0, fd);
        pollFd.setShort(4, POLLIN);
        pollFd.setShort(6, (short) 0);
        int w;
        try {
            w = Libc.eventfd(0, EFD_FLAGS);
        } catch (LastErrorException e) {
            w = -1; // no wake-ups: await() then ends by its timeout only
        }
        this.wakeFd = w;
        pollFd.setInt(8, w);
        pollFd.setShort(12, POLLIN);
        pollFd.setShort(14, (short) 0);
        one.setLong(0, 1);
    }

    private static Pointer pcapOf(PcapHandle handle) {
        try {
            Field f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            return (Pointer) f.get(handle);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read the pcap_t of pcap4j's handle: " + e, e);
        }
    }

    /**
     * Reads the next frame without waiting.
     *
     * @return {@link #FRAME} (then {@link #frame()} and {@link #length()} hold it), {@link #NONE}, {@link
     *     #TRUNCATED}, {@link #STALE} or {@link #BREAK}
     * @throws IllegalStateException on a libpcap error ({@code PCAP_ERROR}, e.g. the interface went away)
     */
    int next() {
        int rc = Pcap.pcap_next_ex(pcap, out, outData);
        if (rc == 1) {
            Pointer h = out.getPointer(0);
            int caplen = h.getInt(CAPLEN_OFFSET);
            int len = h.getInt(LEN_OFFSET);
            if (maxAgeMicros > 0) {
                // a struct timeval of the wall clock; a frame from the "future" (the clock stepped back) is kept
                long captured = h.getNativeLong(0).longValue() * 1_000_000L + h.getNativeLong(Native.LONG_SIZE)
                        .longValue();
                if (nowMicros - captured > maxAgeMicros) {
                    return STALE;
                }
            }
            if (len > caplen || caplen > frame.length || caplen < 0) {
                return TRUNCATED;
            }
            out.getPointer(Native.POINTER_SIZE).read(0, frame, 0, caplen);
            length = caplen;
            return FRAME;
        }
        if (rc == 0) {
            return NONE;
        }
        if (rc == -2) {
            return BREAK;
        }
        throw new IllegalStateException("pcap_next_ex returned " + rc);
    }

    /**
     * Sets the time the age of frames is measured against (once per burst read is enough).
     *
     * @param wallMicros the wall clock, microseconds since the epoch
     */
    void now(long wallMicros) {
        this.nowMicros = wallMicros;
    }

    /** @return the last frame's octets, from index 0 (overwritten by the next {@link #next}) */
    byte[] frame() {
        return frame;
    }

    /** @return the last frame's length */
    int length() {
        return length;
    }

    /**
     * Waits until a frame may be waiting, or {@link #wakeup()} was called, at most {@code millis}.
     *
     * @param millis the longest wait
     */
    void await(int millis) {
        try {
            int n = Libc.poll(pollFd, wakeFd < 0 ? 1 : watched > 0 ? 3 : 2, millis);
            if (n > 0 && wakeFd >= 0 && (pollFd.getShort(14) & POLLIN) != 0) {
                Libc.read(wakeFd, counter, 8); // clears the wake-up
            }
        } catch (LastErrorException e) {
            // EINTR, or EAGAIN on the eventfd: the caller reads again, or checks whether it must stop
        }
    }

    /**
     * Makes {@link #await} also end when {@code fd} is readable (e.g. a TUN device the same thread reads).
     *
     * @param fd the descriptor
     */
    void watch(int fd) {
        if (wakeFd < 0) {
            throw new IllegalStateException("no eventfd: cannot watch a second descriptor");
        }
        pollFd.setInt(16, fd);
        pollFd.setShort(20, POLLIN);
        pollFd.setShort(22, (short) 0);
        watched = 1;
    }

    /** Ends a wait in {@link #await} now, or makes the next one return at once. Thread-safe. */
    synchronized void wakeup() {
        if (wakeFd < 0 || closed) {
            return;
        }
        try {
            Libc.write(wakeFd, one, 8);
        } catch (LastErrorException e) {
            // EAGAIN: the counter is full, a wake-up is pending anyway
        }
    }

    /** Closes the wake-up descriptor (not the capture handle, which pcap4j closes). Idempotent. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (wakeFd >= 0) {
            try {
                Libc.close(wakeFd);
            } catch (LastErrorException e) {
                // nothing to do
            }
        }
    }
}
