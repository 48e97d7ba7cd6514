package io.mga.api;

/**
 * How a role talks to the world: it hands whole IPv6 packets (starting with the IPv6 header, no link-layer
 * framing) to {@link #send}. The simulated network, the pcap4j adapter and users' own transports implement it.
 *
 * <p>Threading: a role calls {@code send} only from its own thread. The implementation must not keep a reference
 * to {@code packet} after returning (copy what it queues): roles reuse their buffers.
 */
@FunctionalInterface
public interface PacketIo {
    /**
     * Sends one IPv6 packet.
     *
     * @param packet the buffer holding the packet
     * @param offset index of the IPv6 header's first octet
     * @param length octets of the packet
     */
    void send(byte[] packet, int offset, int length);
}
