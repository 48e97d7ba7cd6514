package io.mga.wire;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import java.util.List;

/**
 * An IPv6 extension header (RFC 8200 §4). Records hold the content only: Next Header and Hdr Ext Len are
 * derived when encoding, and checked when decoding.
 */
public sealed interface ExtensionHeader {

    /** @return the protocol number that announces this header (0, 60, 43, 44, 51, ...) */
    int protocol();

    /** @return octets on the wire */
    int wireLength();

    /** @return the layer name used in errors and in {@code mga decode} output */
    Layer layer();

    /**
     * Hop-by-Hop Options header, protocol 0; allowed only directly after an IPv6 header (RFC 8200 §4.3).
     *
     * @param options the options in wire order, padding included; 2 plus their length must be a multiple of 8
     */
    record HopByHop(List<Ipv6Option> options) implements ExtensionHeader {
        /**
         * Validates the fields.
         *
         * @param options the options in wire order, padding included; 2 plus their length must be a multiple of 8
         * @throws IllegalArgumentException if the options do not fill a whole number of 8-octet units
         */
        public HopByHop {
            options = Headers.checkOptions(options);
        }

        /**
         * Builds the header with the padding the options' alignments need.
         *
         * @param options the options, without padding
         * @return the header
         */
        public static HopByHop of(Ipv6Option... options) {
            return new HopByHop(Ipv6Option.layOut(List.of(options)));
        }

        @Override
        public int protocol() {
            return 0;
        }

        @Override
        public int wireLength() {
            return Headers.optionsLength(options);
        }

        @Override
        public Layer layer() {
            return Layer.HOP_BY_HOP;
        }
    }

    /**
     * Destination Options header, protocol 60 (RFC 8200 §4.6); carries the Home Address option (RFC 6275 §6.3).
     *
     * @param options the options in wire order, padding included; 2 plus their length must be a multiple of 8
     */
    record DestinationOptions(List<Ipv6Option> options) implements ExtensionHeader {
        /**
         * Validates the fields.
         *
         * @param options the options in wire order, padding included; 2 plus their length must be a multiple of 8
         * @throws IllegalArgumentException if the options do not fill a whole number of 8-octet units
         */
        public DestinationOptions {
            options = Headers.checkOptions(options);
        }

        /**
         * Builds the header with the padding the options' alignments need.
         *
         * @param options the options, without padding
         * @return the header
         */
        public static DestinationOptions of(Ipv6Option... options) {
            return new DestinationOptions(Ipv6Option.layOut(List.of(options)));
        }

        /**
         * The 24-octet header carrying only a Home Address option: PadN(4), then the option at offset 6.
         *
         * @param homeAddress the home address
         * @return the header
         */
        public static DestinationOptions homeAddress(Ipv6Address homeAddress) {
            return of(new Ipv6Option.HomeAddress(homeAddress));
        }

        @Override
        public int protocol() {
            return 60;
        }

        @Override
        public int wireLength() {
            return Headers.optionsLength(options);
        }

        @Override
        public Layer layer() {
            return Layer.DESTINATION_OPTIONS;
        }
    }

    /** A Routing header, protocol 43 (RFC 8200 §4.4). */
    sealed interface Routing extends ExtensionHeader {
        /** @return the Routing Type */
        int routingType();

        /** @return Segments Left, 0 to 255 */
        int segmentsLeft();

        @Override
        default int protocol() {
            return 43;
        }

        @Override
        default Layer layer() {
            return Layer.ROUTING;
        }
    }

    /**
     * Type 2 Routing header (RFC 6275 §6.4): 24 octets, Hdr Ext Len 2, one home address. The address is held as
     * its two 64-bit halves, so that a decoded header is one object; {@link #homeAddress()} returns it as an
     * address.
     *
     * @param segmentsLeft 1 on the wire from a sender; kept as received (0 to 255)
     * @param reserved the 32-bit Reserved field, sent as 0
     * @param homeAddressHigh the most significant 64 bits of the mobile node's home address
     * @param homeAddressLow the least significant 64 bits of the home address
     */
    record Type2Routing(int segmentsLeft, long reserved, long homeAddressHigh, long homeAddressLow)
            implements Routing {
        /**
         * Validates the fields.
         *
         * @param segmentsLeft 1 on the wire from a sender; kept as received (0 to 255)
         * @param reserved the 32-bit Reserved field, sent as 0
         * @param homeAddressHigh the most significant 64 bits of the home address
         * @param homeAddressLow the least significant 64 bits of the home address
         * @throws IllegalArgumentException if a field is out of range
         */
        public Type2Routing {
            Check.u8("segmentsLeft", segmentsLeft);
            Check.u32("reserved", reserved);
        }

        /**
         * The header carrying an address.
         *
         * @param segmentsLeft 1 on the wire from a sender; kept as received (0 to 255)
         * @param reserved the 32-bit Reserved field, sent as 0
         * @param homeAddress the mobile node's home address
         * @throws IllegalArgumentException if a field is out of range
         * @throws NullPointerException if the address is null
         */
        public Type2Routing(int segmentsLeft, long reserved, Ipv6Address homeAddress) {
            // the checks in the order the fields come, as when the address was a component
            this(Check.u8("segmentsLeft", segmentsLeft), Check.u32("reserved", reserved),
                    Check.nn("homeAddress", homeAddress).high(), homeAddress.low());
        }

        /** @return the mobile node's home address */
        public Ipv6Address homeAddress() {
            return new Ipv6Address(homeAddressHigh, homeAddressLow);
        }

        /** @return the fields with the address as text, for example {@code homeAddress=2001:db8::1} */
        @Override
        public String toString() {
            return "Type2Routing[segmentsLeft=" + segmentsLeft + ", reserved=" + reserved + ", homeAddress="
                    + homeAddress() + "]";
        }

        /**
         * The header as a sender builds it: Segments Left 1, Reserved 0 (RFC 6275 §6.4.1).
         *
         * @param homeAddress the home address
         * @return the header
         */
        public static Type2Routing of(Ipv6Address homeAddress) {
            return new Type2Routing(1, 0, homeAddress);
        }

        @Override
        public int routingType() {
            return 2;
        }

        @Override
        public int wireLength() {
            return 24;
        }
    }

    /**
     * A Routing header of another type, kept raw.
     *
     * @param routingType the Routing Type (not 2)
     * @param segmentsLeft Segments Left
     * @param data the octets after Segments Left; 4 plus their length must be a multiple of 8, at most 2044
     */
    record OtherRouting(int routingType, int segmentsLeft, Bytes data) implements Routing {
        /**
         * Validates the fields.
         *
         * @param routingType the Routing Type (not 2)
         * @param segmentsLeft Segments Left
         * @param data the octets after Segments Left; 4 plus their length must be a multiple of 8, at most 2044
         * @throws IllegalArgumentException if a field is out of range
         */
        public OtherRouting {
            Check.u8("routingType", routingType);
            if (routingType == 2) {
                throw new IllegalArgumentException("routing type 2 has its own record, Type2Routing");
            }
            Check.u8("segmentsLeft", segmentsLeft);
            Check.nn("data", data);
            Headers.checkUnits(4 + data.length(), 8, 2048);
        }

        @Override
        public int wireLength() {
            return 4 + data.length();
        }
    }

    /**
     * Fragment header, protocol 44, 8 octets (RFC 8200 §4.5).
     *
     * @param reserved the Reserved octet after Next Header
     * @param fragmentOffset offset of the data in 8-octet units, 0 to 8191
     * @param res the two reserved bits, 0 to 3
     * @param moreFragments the M flag
     * @param identification the 32-bit Identification
     */
    record Fragment(int reserved, int fragmentOffset, int res, boolean moreFragments, long identification)
            implements ExtensionHeader {
        /**
         * Validates the fields.
         *
         * @param reserved the Reserved octet after Next Header
         * @param fragmentOffset offset of the data in 8-octet units, 0 to 8191
         * @param res the two reserved bits, 0 to 3
         * @param moreFragments the M flag
         * @param identification the 32-bit Identification
         * @throws IllegalArgumentException if a field is out of range
         */
        public Fragment {
            Check.u8("reserved", reserved);
            Check.range("fragmentOffset", fragmentOffset, 8191);
            Check.range("res", res, 3);
            Check.u32("identification", identification);
        }

        /** @return true when this header belongs to a fragmented packet (offset non-zero or M set) */
        public boolean isFragmented() {
            return fragmentOffset != 0 || moreFragments;
        }

        @Override
        public int protocol() {
            return 44;
        }

        @Override
        public int wireLength() {
            return 8;
        }

        @Override
        public Layer layer() {
            return Layer.FRAGMENT;
        }
    }

    /**
     * An extension header mga walks over without interpreting: AH (51; length in 4-octet units minus 2,
     * RFC 4302) and the RFC 6564 uniform-format headers 139, 140, 253 and 254.
     *
     * @param protocol 51, 139, 140, 253 or 254
     * @param data the octets after the Next Header and length octets
     */
    record Other(int protocol, Bytes data) implements ExtensionHeader {
        /**
         * Validates the fields.
         *
         * @param protocol 51, 139, 140, 253 or 254
         * @param data the octets after the Next Header and length octets
         * @throws IllegalArgumentException if the protocol is not walkable or the length does not fit
         */
        public Other {
            if (!isWalkable(protocol)) {
                throw new IllegalArgumentException("protocol " + protocol + " is not a generic extension header");
            }
            Check.nn("data", data);
            if (protocol == 51) {
                Headers.checkUnits(2 + data.length(), 4, 1028);
                if (data.length() < 6) {
                    throw new IllegalArgumentException("an AH header is at least 8 octets");
                }
            } else {
                Headers.checkUnits(2 + data.length(), 8, 2048);
            }
        }

        /**
         * Tells whether a protocol number names a header this record can hold.
         *
         * @param protocol the Next Header value
         * @return true for 51, 139, 140, 253 and 254
         */
        public static boolean isWalkable(int protocol) {
            return protocol == 51 || protocol == 139 || protocol == 140 || protocol == 253 || protocol == 254;
        }

        @Override
        public int wireLength() {
            return 2 + data.length();
        }

        @Override
        public Layer layer() {
            return Layer.EXTENSION;
        }
    }
}
