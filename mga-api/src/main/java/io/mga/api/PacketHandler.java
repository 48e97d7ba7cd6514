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
}
