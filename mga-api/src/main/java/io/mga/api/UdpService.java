package io.mga.api;

/**
 * A UDP service run inside the JVM on an anycast address: a responder hands it each datagram sent to its port
 * and sends back what it returns, with the anycast address as source.
 */
@FunctionalInterface
public interface UdpService {
    /**
     * Handles one datagram.
     *
     * @param from the initiator's address
     * @param fromPort the initiator's port
     * @param payload the datagram's data
     * @return the reply's data, or null for no reply
     */
    Bytes handle(Ipv6Address from, int fromPort, Bytes payload);
}
