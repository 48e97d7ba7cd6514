/**
 * Ethernet for the live interface: {@link io.mga.pcapio.link.MacAddress} (48-bit addresses, RFC 2464 §7 multicast
 * mapping) and {@link io.mga.pcapio.link.EthernetFraming} (writing the Ethernet II header of outgoing frames,
 * checking the destination of incoming ones). Finding IPv6 inside a received frame is mga-wire's
 * {@link io.mga.wire.link.LinkFrames}, reused rather than repeated here.
 *
 * <p>May use: {@code mga-api} and {@code io.mga.wire.link}. Pure functions and values; thread-safe.
 */
package io.mga.pcapio.link;
