/**
 * Capture files for mga roles: {@link io.mga.pcapio.PcapRecorder} records IPv6 packets to a pcap file that
 * Wireshark opens. Depends on {@code mga-api} only.
 */
package io.mga.pcapio;
