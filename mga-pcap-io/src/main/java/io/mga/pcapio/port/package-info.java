/**
 * The pcap4j port: {@link io.mga.pcapio.port.PcapPort} opens a live interface (BPF filter, capture buffer sized
 * for bursts, snapshot length from the MTU), reads the capture (on a thread of its own, or on the
 * caller's through {@link io.mga.pcapio.port.PcapPort#inline()}: a live interface's role thread) through {@code
 * LibpcapReader} (libpcap by JNA's direct mapping, no allocation per frame) and hands frames to a sink, injects
 * frames, and reads {@code pcap_stats} back (kernel and interface drops). Nothing
 * protocol-specific lives here.
 *
 * <p>May use: pcap4j, JNA, slf4j, {@code io.mga.pcapio.link} (the interface's Ethernet address). Not exported from
 * the module: {@link io.mga.pcapio.LiveInterface} is the way in.
 */
package io.mga.pcapio.port;
