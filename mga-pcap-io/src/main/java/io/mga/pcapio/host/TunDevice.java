package io.mga.pcapio.host;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.mga.api.PacketHandler;
import io.mga.api.PacketIo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux TUN device ({@code /dev/net/tun}, {@code TUNSETIFF} with {@code IFF_TUN | IFF_NO_PI}): the host's IPv6
 * stack on one side, whole IPv6 packets on the other, with no framing. {@link #send} writes a packet to the host
 * (the kernel receives it as if it had arrived on the device); what the kernel routes out of the device is read
 * either by the role's own thread ({@link #readWaiting}, on a descriptor it polls with its capture: {@link
 * io.mga.pcapio.LiveInterface#start(io.mga.api.Role, PacketHandler, TunDevice)}, no hand-off between threads) or
 * by a reader thread of the device's own ({@link #start}) that hands each packet to a {@link PacketHandler}. The kernel computes full checksums for what it sends through a TUN device: the
 * packets read here need no checksum fix-up.
 *
 * <p>Through JNA's direct mapping (JNA comes with pcap4j): no Java allocation per packet. The device exists while
 * it is open (not persistent): {@link #close()} removes it, with its addresses and routes.
 *
 * <p>Threads: {@link #send} and {@link #readWaiting} from one thread at a time (the role's); with {@link #start},
 * the reader is the device's own thread. The descriptor is non-blocking.
 */
public final class TunDevice implements PacketIo, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TunDevice.class);
    /** {@code _IOW('T', 202, int)}. */
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int O_NONBLOCK = 0x800;
    private static final int EAGAIN = 11;
    private static final short POLLIN = 1;
    private static final int IFNAMSIZ = 16;
    /** The reader wakes at least this often to see whether it must stop (milliseconds). */
    private static final int POLL_MILLIS = 100;
    private static final int MAX_PACKET = 65535;

    static {
        Native.register(TunDevice.class, NativeLibrary.getInstance("c"));
    }

    private static native int open(String path, int flags) throws LastErrorException;

    /** {@code read(2)} returning -1 rather than throwing (errno from {@link Native#getLastError()}). */
    private static final class Unchecked {
        static {
            Native.register(Unchecked.class, NativeLibrary.getInstance("c"));
        }

        static native long read(int fd, Pointer buffer, long count);
    }

    private static native int ioctl(int fd, long request, Pointer argument) throws LastErrorException;

    private static native long read(int fd, Pointer buffer, long count) throws LastErrorException;

    private static native long write(int fd, Pointer buffer, long count) throws LastErrorException;

    private static native int poll(Pointer fds, long count, int timeoutMillis) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    private final String name;
    private final int fd;
    private final Memory out = new Memory(MAX_PACKET);
    /** {@link #readWaiting}'s buffers (the role thread's). */
    private Memory inlineIn;
    private byte[] inlineBuf;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong writeFailed = new AtomicLong();
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong handedOverFailed = new AtomicLong();
    private volatile boolean running;
    private volatile boolean closed;
    private Thread reader;

    private TunDevice(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    /**
     * Creates (or attaches to) a TUN device; it is down and has no address until configured (see
     * {@link HostDelivery}).
     *
     * @param name the device name, at most 15 characters, e.g. {@code mga0}
     * @return the open device
     * @throws IOException without {@code CAP_NET_ADMIN} (unless the device is persistent and the user's), or
     *     without {@code /dev/net/tun}
     */
    public static TunDevice open(String name) throws IOException {
        byte[] n = Objects.requireNonNull(name, "name").getBytes(StandardCharsets.US_ASCII);
        if (n.length == 0 || n.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("a device name has 1 to 15 characters, got \"" + name + "\"");
        }
        int fd;
        try {
            fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
        } catch (LastErrorException e) {
            throw new IOException("cannot open /dev/net/tun: errno " + e.getErrorCode(), e);
        }
        Memory ifr = new Memory(40);
        try {
            ifr.clear();
            ifr.write(0, n, 0, n.length);
            ifr.setShort(IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI));
            ioctl(fd, TUNSETIFF, ifr);
            String actual = ifr.getString(0, StandardCharsets.US_ASCII.name());
            return new TunDevice(actual, fd);
        } catch (LastErrorException e) {
            closeQuietly(fd);
            throw new IOException("cannot create the TUN device " + name + " (TUNSETIFF): errno " + e.getErrorCode()
                    + (e.getErrorCode() == 1 ? " (EPERM: needs CAP_NET_ADMIN)" : ""), e);
        }
    }

    private static void closeQuietly(int fd) {
        try {
            close(fd);
        } catch (LastErrorException e) {
            // nothing more to do
        }
    }

    /** @return the device's name */
    public String name() {
        return name;
    }

    /**
     * Starts the reader thread: every packet the kernel sends out of the device goes to {@code handler}, on that
     * thread, from one reused buffer (the handler copies what it keeps).
     *
     * @param handler takes the packets (its time argument is 0: the reader has no clock)
     * @throws IllegalStateException if started before, or closed
     */
    public synchronized void start(PacketHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (reader != null || closed) {
            throw new IllegalStateException("the TUN device " + name + " was started or closed before");
        }
        running = true;
        Thread t = new Thread(() -> readLoop(handler), "mga-tun-" + name);
        t.setDaemon(true);
        reader = t;
        t.start();
    }

    private void readLoop(PacketHandler handler) {
        byte[] buf = new byte[MAX_PACKET];
        Memory in = new Memory(MAX_PACKET);
        Memory pfd = new Memory(8);
        try {
            while (running) {
                pfd.setInt(0, fd);
                pfd.setShort(4, POLLIN);
                pfd.setShort(6, (short) 0);
                int r;
                try {
                    r = poll(pfd, 1, POLL_MILLIS);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == 4) { // EINTR
                        continue;
                    }
                    throw e;
                }
                if (r <= 0 || (pfd.getShort(6) & POLLIN) == 0) {
                    continue;
                }
                long n;
                try {
                    n = read(fd, in, MAX_PACKET);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == EAGAIN || e.getErrorCode() == 4) {
                        continue;
                    }
                    throw e;
                }
                if (n <= 0) {
                    continue;
                }
                in.read(0, buf, 0, (int) n);
                read.incrementAndGet();
                try {
                    handler.receive(buf, 0, (int) n, 0);
                } catch (RuntimeException e) {
                    handedOverFailed.incrementAndGet();
                    throw e;
                }
            }
        } catch (LastErrorException e) {
            if (running) {
                LOG.error("TUN device {}: reading failed (errno {}); the reader stops", name, e.getErrorCode());
            }
        }
    }

    /** @return the device's file descriptor (non-blocking), for a thread that polls it with other inputs */
    public int descriptor() {
        return fd;
    }

    /**
     * Reads the packets waiting, at most {@code max}, without blocking, and hands each to {@code handler} on the
     * caller's thread, from one reused buffer (the handler copies what it keeps). Not with {@link #start}.
     *
     * @param handler takes the packets (its time argument is 0)
     * @param max most packets read
     * @return packets read; 0 when none was waiting, or the device is closed
     * @throws IllegalStateException if reading failed for another reason than "nothing waiting" (logged)
     */
    public int readWaiting(PacketHandler handler, int max) {
        if (closed || reader != null) {
            return 0;
        }
        if (inlineIn == null) {
            inlineIn = new Memory(MAX_PACKET);
            inlineBuf = new byte[MAX_PACKET];
        }
        int k = 0;
        while (k < max) {
            // without an exception per empty read (every duty cycle has one): errno read back after -1
            long n = Unchecked.read(fd, inlineIn, MAX_PACKET);
            if (n < 0) {
                int errno = Native.getLastError();
                if (errno == EAGAIN || errno == 4) {
                    return k;
                }
                LOG.error("TUN device {}: reading failed (errno {})", name, errno);
                throw new IllegalStateException("reading TUN device " + name + " failed: errno " + errno);
            }
            if (n == 0) {
                return k;
            }
            inlineIn.read(0, inlineBuf, 0, (int) n);
            read.incrementAndGet();
            k++;
            handler.receive(inlineBuf, 0, (int) n, 0);
        }
        return k;
    }

    /**
     * Writes one packet to the host's stack (as if it arrived on the device). Failures (the kernel refused it) are
     * counted, never thrown: the caller is a role's packet path.
     */
    @Override
    public void send(byte[] packet, int offset, int length) {
        if (closed || length <= 0 || length > MAX_PACKET) {
            writeFailed.incrementAndGet();
            return;
        }
        out.write(0, packet, offset, length);
        try {
            if (write(fd, out, length) == length) {
                written.incrementAndGet();
            } else {
                writeFailed.incrementAndGet();
            }
        } catch (LastErrorException e) {
            writeFailed.incrementAndGet();
        }
    }

    /** @return packets written to the host */
    public long written() {
        return written.get();
    }

    /** @return packets the kernel did not take */
    public long writeFailed() {
        return writeFailed.get();
    }

    /** @return packets read from the host */
    public long read() {
        return read.get();
    }

    /** Stops the reader (within its poll interval) and closes the device, which the kernel then removes. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = false;
            t = reader;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(2L * POLL_MILLIS + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(fd);
    }

    @Override
    public String toString() {
        return "TUN " + name;
    }
}
