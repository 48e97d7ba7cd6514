package io.mga.pcapio;

import io.mga.api.Role;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.link.LinkFrames;
import io.mga.wire.link.LinkType;
import java.nio.file.Path;

/**
 * Offline mode: feeds a capture file into a role, in file order, each packet at its capture time (the role's
 * clock is the capture's: {@code now} = the frame's timestamp in nanoseconds since 1970), running the role's
 * timers up to each packet's time. Frames that do not carry IPv6 are skipped and counted.
 */
public final class Replay {
    private Replay() {
    }

    /**
     * What a replay did.
     *
     * @param packets IPv6 packets handed to the role
     * @param skipped frames that did not carry IPv6
     * @param lastNanos the time of the last frame
     */
    public record Result(long packets, long skipped, long lastNanos) {
    }

    /**
     * Replays a capture into a role.
     *
     * @param file a pcap or pcapng file (Ethernet, Linux cooked, raw, null/loopback)
     * @param role the role; it receives every IPv6 packet of the file
     * @return counts
     * @throws CaptureReader.CaptureException if the file cannot be read
     */
    public static Result into(Path file, Role role) throws CaptureReader.CaptureException {
        long packets = 0;
        long skipped = 0;
        long last = 0;
        try (CaptureReader r = CaptureReader.open(file)) {
            LinkType link = r.linkType().orElseThrow(() -> new CaptureReader.CaptureException(
                    "link type " + r.linkTypeCode() + " is not one mga reads", null));
            CaptureReader.Frame f;
            while ((f = r.next()) != null) {
                long now = f.epochNanos();
                last = now;
                role.doWork(now);
                int off;
                try {
                    off = LinkFrames.ipv6Offset(link, f.data(), f.data().length);
                } catch (MalformedPacketException e) {
                    skipped++;
                    continue;
                }
                role.receive(f.data(), off, f.data().length - off, now);
                packets++;
            }
        }
        return new Result(packets, skipped, last);
    }
}
