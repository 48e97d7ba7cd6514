package io.mga.wire;

import io.mga.api.Ipv6Address;

/**
 * The IPv6 fixed header (RFC 8200 §3) without its derived fields: Version is always 6, Payload Length and Next
 * Header are computed from the rest of the packet when encoding and checked when decoding.
 *
 * <p>The two addresses are held as their 64-bit halves, as in {@link Ipv6Address}, so that a decoded header is
 * one object; {@link #source()} and {@link #destination()} return them as addresses, and
 * {@link #Ipv6Header(int, int, int, Ipv6Address, Ipv6Address)} builds a header from addresses. Equality is by
 * value, as before; {@link #toString()} writes the addresses as text.
 *
 * @param trafficClass 0 to 255
 * @param flowLabel 0 to 0xfffff
 * @param hopLimit 0 to 255
 * @param sourceHigh the most significant 64 bits of the Source Address ({@link Ipv6Address#high()})
 * @param sourceLow the least significant 64 bits of the Source Address ({@link Ipv6Address#low()})
 * @param destinationHigh the most significant 64 bits of the Destination Address (with a routing header, not
 *     always the final destination)
 * @param destinationLow the least significant 64 bits of the Destination Address
 */
public record Ipv6Header(int trafficClass, int flowLabel, int hopLimit, long sourceHigh, long sourceLow,
        long destinationHigh, long destinationLow) {
    /**
     * Validates the fields.
     *
     * @param trafficClass 0 to 255
     * @param flowLabel 0 to 0xfffff
     * @param hopLimit 0 to 255
     * @param sourceHigh the most significant 64 bits of the Source Address
     * @param sourceLow the least significant 64 bits of the Source Address
     * @param destinationHigh the most significant 64 bits of the Destination Address
     * @param destinationLow the least significant 64 bits of the Destination Address
     * @throws IllegalArgumentException if a field is out of range
     */
    public Ipv6Header {
        Check.u8("trafficClass", trafficClass);
        Check.range("flowLabel", flowLabel, 0xfffff);
        Check.u8("hopLimit", hopLimit);
    }

    /**
     * A header from addresses.
     *
     * @param trafficClass 0 to 255
     * @param flowLabel 0 to 0xfffff
     * @param hopLimit 0 to 255
     * @param source the Source Address
     * @param destination the Destination Address (with a routing header, not always the final destination)
     * @throws IllegalArgumentException if a field is out of range
     * @throws NullPointerException if an address is null
     */
    public Ipv6Header(int trafficClass, int flowLabel, int hopLimit, Ipv6Address source, Ipv6Address destination) {
        // the checks in the order the fields come, as when the addresses were components
        this(Check.u8("trafficClass", trafficClass), Check.range("flowLabel", flowLabel, 0xfffff),
                Check.u8("hopLimit", hopLimit), Check.nn("source", source).high(), source.low(),
                Check.nn("destination", destination).high(), destination.low());
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

    /** @return the Source Address */
    public Ipv6Address source() {
        return new Ipv6Address(sourceHigh, sourceLow);
    }

    /** @return the Destination Address (with a routing header, not always the final destination) */
    public Ipv6Address destination() {
        return new Ipv6Address(destinationHigh, destinationLow);
    }

    /** @return the fields with the addresses as text, for example {@code source=2001:db8::1} */
    @Override
    public String toString() {
        return "Ipv6Header[trafficClass=" + trafficClass + ", flowLabel=" + flowLabel + ", hopLimit=" + hopLimit
                + ", source=" + source() + ", destination=" + destination() + "]";
    }
}
