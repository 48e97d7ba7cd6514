/**
 * Link-layer framing around IPv6 packets as captures and live interfaces carry them: Ethernet (with up to two
 * VLAN tags), Linux cooked captures (SLL and SLL2), raw IP, and BSD null/loopback. {@link io.mga.wire.link.LinkType}
 * names the pcap link types; {@link io.mga.wire.link.LinkFrames} finds the IPv6 packet inside a frame, reporting a
 * frame that holds none as an {@link io.mga.wire.MalformedPacketException}.
 *
 * <p>May use: {@code io.mga.wire} (for its exception and layer names) and {@code java.base}.
 */
package io.mga.wire.link;
