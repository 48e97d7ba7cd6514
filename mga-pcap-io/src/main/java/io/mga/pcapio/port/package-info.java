/**
 * The pcap4j port: {@link io.mga.pcapio.port.PcapPort} opens a live interface (BPF filter, capture buffer sized
 * for bursts, snapshot length from the MTU), runs the capture thread that hands frames to a sink which only
 * queues them, injects frames, and reads {@code pcap_stats} back (kernel and interface drops). Nothing
 * protocol-specific lives here.
 *
 * <p>May use: pcap4j, slf4j, {@code io.mga.pcapio.link} (the interface's Ethernet address). Not exported from
 * the module: {@link io.mga.pcapio.LiveInterface} is the way in.
 */
package io.mga.pcapio.port;
