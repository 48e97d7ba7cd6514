/**
 * mga roles on capture files and live interfaces. What users call: {@link io.mga.pcapio.LiveInterface} (a role on a
 * live Ethernet interface: the façade over the port, the runner, Neighbor Discovery and framing in the
 * sub-packages), {@link io.mga.pcapio.PcapRecorder} (IPv6 packets to a pcap file Wireshark opens),
 * {@link io.mga.pcapio.CaptureReader} (pcap/pcapng through pcap4j) and {@link io.mga.pcapio.Replay} (a capture
 * fed into a role at its capture times).
 *
 * <p>May use: {@code mga-api}, {@code mga-wire}, pcap4j, slf4j and every sub-package. Sub-packages: {@code port}
 * (pcap4j and nothing protocol-specific), {@code runner} (a role's thread; no pcap4j, no wire formats),
 * {@code nd} (Neighbor Discovery as pure logic; no pcap4j, no threads), {@code link} (Ethernet addresses and
 * framing; pure), {@code host} (a responder's host delivery: a TUN device through JNA and the kernel configuration
 * around it; no pcap4j).
 */
package io.mga.pcapio;
