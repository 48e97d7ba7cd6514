package io.mga.wire;

import io.mga.api.Ipv6Address;

/**
 * The IPv6 fixed header (RFC 8200 §3) without its derived fields: Version is always 6, Payload Length and Next
 * Header are computed from the rest of the packet when encoding and checked when decoding.
 *
 * @param trafficClass 0 to 255
 * @param flowLabel 0 to 0xfffff
 * @param hopLimit 0 to 255
 * @param source the Source Address
 * @param destination the Destination Address (with a routing header, not always the final destination)
 */
public record Ipv6Header(int trafficClass, int flowLabel, int hopLimit, Ipv6Address source, Ipv6Address destination) {
    /**
     * Validates the fields.
     *
     * @param trafficClass 0 to 255
     * @param flowLabel 0 to 0xfffff
     * @param hopLimit 0 to 255
     * @param source the Source Address
     * @param destination the Destination Address (with a routing header, not always the final destination)
     * @throws IllegalArgumentException if a field is out of range
     */
    public Ipv6Header {
        Check.u8("trafficClass", trafficClass);
        Check.range("flowLabel", flowLabel, 0xfffff);
        Check.u8("hopLimit", hopLimit);
        Check.nn("source", source);
        Check.nn("destination", destination);
    }

    /**
     * A header with traffic class and flow label 0.
     *
     * @param hopLimit the hop limit
     * @param source the source
     * @param destination the destination
     * @return the header
     */
    public static Ipv6Header of(int hopLimit, Ipv6Address source, Ipv6Address destination) {
        return new Ipv6Header(0, 0, hopLimit, source, destination);
    }
}
