package io.mga.api;

/**
 * Receives whole IPv6 packets. Every role is one: the embedder (the simulated network, the pcap4j adapter, a
 * user's loop) calls {@link #receive} on the role's own thread, with the time read once for this duty cycle.
 *
 * <p>The callee must not keep a reference to {@code packet} after returning, so an embedder may, and for speed
 * should, pass every packet in one reused receive buffer (or one ring): a role's flyweight pointed at a new array
 * per packet pays the garbage collector's write barrier each time (with G1, a memory fence; about a sixth of the
 * agent's forwarding cost in {@code AgentDataPathBenchmark}). Packets are hostile input: a handler drops and counts
 * what it cannot use, it never throws for bad bytes.
 */
@FunctionalInterface
public interface PacketHandler {
    /**
     * Handles one packet.
     *
     * @param packet the buffer holding the packet
     * @param offset index of the IPv6 header's first octet
     * @param length octets available
     * @param nowNanos the current time of the injected clock, in nanoseconds
     */
    void receive(byte[] packet, int offset, int length, long nowNanos);

    /**
     * Handles a burst of packets that sit in one buffer (a receive ring, a {@code recvmmsg} buffer), in order, with
     * the same effect as calling {@link #receive} for each. An embedder that receives in batches should call this:
     * a role may use the burst to overlap work across packets (the agent looks up all the burst's destinations
     * before forwarding the first, so that the table's cache misses overlap instead of queueing). The default
     * calls {@link #receive} for each packet.
     *
     * <p>The same rules as for {@link #receive} hold: the callee keeps no reference to the arrays after returning,
     * and the packets are hostile input (a bad offset or length is a malformed packet, dropped and counted).
     *
     * @param buffer the array holding the packets
     * @param offsets where each packet starts in {@code buffer}
     * @param lengths octets available for each packet
     * @param first index, in {@code offsets} and {@code lengths}, of the burst's first packet
     * @param count the number of packets, 0 or more
     * @param nowNanos the current time of the injected clock, in nanoseconds
     * @throws IndexOutOfBoundsException if {@code first} and {@code count} do not lie within both {@code offsets}
     *     and {@code lengths} (a caller's bug, not bad input)
     * @throws NullPointerException if {@code offsets} or {@code lengths} is null
     */
    default void receiveBurst(byte[] buffer, int[] offsets, int[] lengths, int first, int count, long nowNanos) {
        java.util.Objects.checkFromIndexSize(first, count, Math.min(offsets.length, lengths.length));
        for (int i = first; i < first + count; i++) {
            receive(buffer, offsets[i], lengths[i], nowNanos);
        }
    }
}
