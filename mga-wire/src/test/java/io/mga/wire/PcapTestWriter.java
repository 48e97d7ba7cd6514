package io.mga.wire;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A test-only writer of classic pcap files: big-endian magic 0xa1b2c3d4 (microsecond timestamps), version 2.4,
 * link type {@link #LINKTYPE_RAW} (each record is a bare IPv6 packet), and fixed timestamps so that a file is a
 * pure function of its packets.
 */
final class PcapTestWriter {
    /** The pcap magic number, written big-endian. */
    static final int MAGIC = 0xa1b2c3d4;
    /** LINKTYPE_RAW: the packet begins with the IP header, version taken from its first nibble. */
    static final int LINKTYPE_RAW = 101;
    /** Seconds of the first record's timestamp (2023-11-14T22:13:20Z); record i gets this plus i. */
    static final long FIRST_SECOND = 1_700_000_000L;
    private static final int SNAPLEN = 262_144;

    private PcapTestWriter() {
    }

    /**
     * Writes the packets, one record each, in order.
     *
     * @param file the file to create or replace
     * @param packets the packets' octets, each starting with its IPv6 header
     * @throws IOException if the file cannot be written
     */
    static void write(Path file, List<byte[]> packets) throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os))) {
            out.writeInt(MAGIC);
            out.writeShort(2); // version major
            out.writeShort(4); // version minor
            out.writeInt(0); // thiszone: timestamps are UTC
            out.writeInt(0); // sigfigs
            out.writeInt(SNAPLEN);
            out.writeInt(LINKTYPE_RAW);
            for (int i = 0; i < packets.size(); i++) {
                byte[] p = packets.get(i);
                if (p.length > SNAPLEN) {
                    throw new IllegalArgumentException("packet " + i + " is longer than the snap length");
                }
                out.writeInt((int) (FIRST_SECOND + i)); // ts_sec
                out.writeInt(0); // ts_usec
                out.writeInt(p.length); // incl_len
                out.writeInt(p.length); // orig_len
                out.write(p);
            }
        }
    }
}
