package io.mga.bench;

/**
 * Test traffic laid out as a receive loop holds it: every packet in one array, at a fixed stride, the way a
 * packet ring (a {@code PACKET_MMAP} ring, a reused receive buffer) presents frames. The data-path benchmarks and
 * their floors read from the same ring, so both see the same memory. Not thread-safe.
 */
final class PacketRing {
    /** Octets from one packet's start to the next one's. */
    static final int STRIDE = 128;

    /** Packets per burst in {@link #deliverBurst} and {@link #floorBurst}. */
    static final int BURST = 16;

    final byte[] buffer;
    final int[] offsets;
    final int[] lengths;
    private final int mask;

    /**
     * @param packets the packets, a power of two of them, each at most {@link #STRIDE} octets
     */
    PacketRing(byte[][] packets) {
        if (Integer.bitCount(packets.length) != 1 || packets.length < BURST) {
            throw new IllegalArgumentException("a power of two of packets, at least " + BURST);
        }
        buffer = new byte[packets.length * STRIDE];
        offsets = new int[packets.length];
        lengths = new int[packets.length];
        mask = packets.length - 1;
        for (int i = 0; i < packets.length; i++) {
            if (packets[i].length > STRIDE) {
                throw new IllegalArgumentException("packet " + i + " exceeds " + STRIDE + " octets");
            }
            System.arraycopy(packets[i], 0, buffer, i * STRIDE, packets[i].length);
            lengths[i] = packets[i].length;
            offsets[i] = i * STRIDE;
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
     * Hands the {@link #BURST} packets that burst counter {@code n} falls on to a role in one
     * {@link io.mga.api.PacketHandler#receiveBurst} call.
     *
     * @param role the receiver
     * @param n any counter
     * @param now the time passed to the role, in nanoseconds
     */
    void deliverBurst(io.mga.api.PacketHandler role, int n, long now) {
        role.receiveBurst(buffer, offsets, lengths, index(n * BURST), BURST, now);
    }

    /**
     * Runs the encapsulation floor on each of the {@link #BURST} packets that burst counter {@code n} falls on.
     *
     * @param n any counter
     * @param out where to write
     * @return octets written, all packets together
     */
    int floorBurst(int n, byte[] out) {
        int first = index(n * BURST);
        int total = 0;
        for (int i = first; i < first + BURST; i++) {
            total += AgentDataPathBenchmark.floor(buffer, offsets[i], lengths[i], out);
        }
        return total;
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
