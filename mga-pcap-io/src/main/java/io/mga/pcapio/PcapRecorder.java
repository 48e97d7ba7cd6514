package io.mga.pcapio;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records IPv6 packets to a classic pcap file: the nanosecond-resolution format (magic {@code 0xa1b23c4d}),
 * big-endian, link type LINKTYPE_RAW (101), snapshot length 65535. Wireshark, tshark, tcpdump and
 * {@code mga decode} read it.
 *
 * <p>Thread-safe: {@link #record} may be called from several threads (a role's thread and a capture thread);
 * records are written whole, in call order. Close it to flush.
 */
public final class PcapRecorder implements AutoCloseable {
    /** LINKTYPE_RAW: each record is an IP packet. */
    public static final int LINKTYPE_RAW = 101;
    private static final int SNAPLEN = 65535;

    private final OutputStream out;
    private final byte[] header = new byte[16];
    private long records;

    private PcapRecorder(OutputStream out) throws IOException {
        this.out = out;
        byte[] h = new byte[24];
        put32(h, 0, 0xa1b23c4dL); // nanosecond timestamps
        put16(h, 4, 2);
        put16(h, 6, 4);
        put32(h, 16, SNAPLEN);
        put32(h, 20, LINKTYPE_RAW);
        out.write(h);
    }

    /**
     * Creates (or truncates) a capture file.
     *
     * @param file where to write
     * @return the recorder
     * @throws IOException if the file cannot be created
     */
    public static PcapRecorder create(Path file) throws IOException {
        return new PcapRecorder(new BufferedOutputStream(Files.newOutputStream(file)));
    }

    /**
     * Records one packet.
     *
     * @param epochNanos the packet's time, nanoseconds since 1970-01-01 UTC
     * @param packet the buffer holding the IPv6 packet
     * @param offset index of its first octet
     * @param length its length (longer packets are cut to 65535 octets, the original length kept)
     * @throws UncheckedIOException if writing fails
     */
    public synchronized void record(long epochNanos, byte[] packet, int offset, int length) {
        int captured = Math.min(length, SNAPLEN);
        put32(header, 0, Math.floorDiv(epochNanos, 1_000_000_000L));
        put32(header, 4, Math.floorMod(epochNanos, 1_000_000_000L));
        put32(header, 8, captured);
        put32(header, 12, length);
        try {
            out.write(header);
            out.write(packet, offset, captured);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        records++;
    }

    /** @return the number of packets recorded */
    public synchronized long records() {
        return records;
    }

    /** Flushes and closes the file. */
    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 8);
        b[o + 1] = (byte) v;
    }

    private static void put32(byte[] b, int o, long v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }
}
