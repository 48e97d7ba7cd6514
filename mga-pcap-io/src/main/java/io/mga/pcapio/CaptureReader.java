package io.mga.pcapio;

import io.mga.wire.link.LinkType;
import java.io.EOFException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

/**
 * Reads frames from a pcap or pcapng file through pcap4j (libpcap), without letting pcap4j parse them: the
 * octets as captured, the timestamp (nanoseconds when the file has them), and the link type. Not thread-safe.
 */
public final class CaptureReader implements AutoCloseable {

    /**
     * A frame's octets as captured and its timestamp.
     *
     * @param data the frame (link-layer header included)
     * @param epochSeconds seconds since 1970-01-01 UTC
     * @param nanos nanoseconds within the second
     */
    public record Frame(byte[] data, long epochSeconds, int nanos) {
        /** @return the timestamp in nanoseconds since 1970-01-01 UTC */
        public long epochNanos() {
            return epochSeconds * 1_000_000_000L + nanos;
        }
    }

    /** The file cannot be read (missing libpcap, not a capture, I/O error). */
    public static final class CaptureException extends Exception {
        private static final long serialVersionUID = 1L;

        CaptureException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final PcapHandle handle;
    private final int dlt;

    private CaptureReader(PcapHandle handle) {
        this.handle = handle;
        this.dlt = handle.getDlt().value();
    }

    /**
     * Opens a capture file.
     *
     * @param file a pcap or pcapng file
     * @return the reader
     * @throws CaptureException if libpcap cannot be loaded or the file is not a capture
     */
    public static CaptureReader open(Path file) throws CaptureException {
        try {
            return new CaptureReader(Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO));
        } catch (PcapNativeException e) {
            throw new CaptureException(e.getMessage(), e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CaptureException("libpcap cannot be loaded (Debian: apt-get install libpcap0.8): "
                    + e.getMessage(), e);
        }
    }

    /** @return the DLT_ number libpcap reports for the capture */
    public int linkTypeCode() {
        return dlt;
    }

    /** @return the link type, when mga reads it */
    public Optional<LinkType> linkType() {
        return LinkType.ofDlt(dlt);
    }

    /**
     * Reads the next frame.
     *
     * @return the next frame, or null at the end of the file
     * @throws CaptureException if the file is damaged
     */
    public Frame next() throws CaptureException {
        try {
            byte[] data = handle.getNextRawPacketEx();
            Timestamp ts = handle.getTimestamp();
            long millis = ts.getTime();
            long seconds = Math.floorDiv(millis, 1000);
            return new Frame(data, seconds, ts.getNanos());
        } catch (EOFException e) {
            return null;
        } catch (PcapNativeException | NotOpenException e) {
            throw new CaptureException(e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new CaptureException("timeout reading an offline capture", e);
        }
    }

    /** Closes the file. */
    @Override
    public void close() {
        handle.close();
    }
}
