/**
 * Neighbor Discovery (RFC 4861) as pure logic: {@link io.mga.pcapio.nd.NeighborDiscovery} takes IPv6 packets and
 * the time, and emits the packets to send with their Ethernet destinations: answers for the role's addresses,
 * resolution and reachability checks of next hops, a default router, static (pinned) entries, and the trust rules
 * that keep forged messages from redirecting traffic. Unit-tested with byte arrays and virtual time.
 *
 * <p>May use: {@code mga-api}, {@code mga-wire} (records, decoder, encoder, checksums, the fast-path view),
 * {@code io.mga.pcapio.link} and slf4j. No pcap4j, no threads, no clock.
 */
package io.mga.pcapio.nd;
