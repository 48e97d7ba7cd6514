package io.mga.cli;

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

/** Reads frames from a pcap or pcapng file through pcap4j (libpcap), without letting pcap4j parse them. */
final class CaptureReader implements AutoCloseable {

    /** A frame's octets as captured and its timestamp. */
    record Frame(byte[] data, long epochSeconds, int nanos) {
    }

    /** The file cannot be read (missing libpcap, not a capture, I/O error). */
    static final class CaptureException extends Exception {
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

    static CaptureReader open(Path file) throws CaptureException {
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
    int linkTypeCode() {
        return dlt;
    }

    /** @return the link type, when mga reads it */
    Optional<LinkType> linkType() {
        return LinkType.ofDlt(dlt);
    }

    /**
     * @return the next frame, or null at the end of the file
     * @throws CaptureException if the file is damaged
     */
    Frame next() throws CaptureException {
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

    @Override
    public void close() {
        handle.close();
    }
}
