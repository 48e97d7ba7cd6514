package io.mga.bench;

/**
 * Test traffic laid out as a receive loop holds it: every packet in one array, at a fixed stride, the way a
 * packet ring (a {@code PACKET_MMAP} ring, a reused receive buffer) presents frames. The data-path benchmarks and
 * their floors read from the same ring, so both see the same memory. Not thread-safe.
 */
final class PacketRing {
    /** Octets from one packet's start to the next one's. */
    static final int STRIDE = 128;

    final byte[] buffer;
    final int[] lengths;
    private final int mask;

    /**
     * @param packets the packets, a power of two of them, each at most {@link #STRIDE} octets
     */
    PacketRing(byte[][] packets) {
        if (Integer.bitCount(packets.length) != 1) {
            throw new IllegalArgumentException("a power of two of packets");
        }
        buffer = new byte[packets.length * STRIDE];
        lengths = new int[packets.length];
        mask = packets.length - 1;
        for (int i = 0; i < packets.length; i++) {
            if (packets[i].length > STRIDE) {
                throw new IllegalArgumentException("packet " + i + " exceeds " + STRIDE + " octets");
            }
            System.arraycopy(packets[i], 0, buffer, i * STRIDE, packets[i].length);
            lengths[i] = packets[i].length;
        }
    }

    /**
     * @param n any counter
     * @return the ring index it falls on
     */
    int index(int n) {
        return n & mask;
    }

    /**
     * Hands the packet that counter {@code n} falls on to a role.
     *
     * @param role the receiver
     * @param n any counter
     * @param now the time passed to the role, in nanoseconds
     */
    void deliver(io.mga.api.PacketHandler role, int n, long now) {
        int i = index(n);
        role.receive(buffer, i * STRIDE, lengths[i], now);
    }

    /**
     * Runs the encapsulation floor on the packet that counter {@code n} falls on.
     *
     * @param n any counter
     * @param out where to write
     * @return octets written
     */
    int floor(int n, byte[] out) {
        int i = index(n);
        return AgentDataPathBenchmark.floor(buffer, i * STRIDE, lengths[i], out);
    }
}
