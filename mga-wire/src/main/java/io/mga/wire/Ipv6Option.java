package io.mga.wire;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import java.util.List;

/**
 * An option of a Hop-by-Hop or Destination Options header (RFC 8200 §4.2). Padding is an option like any other,
 * so a decoded header keeps its exact layout; {@link #layOut(List)} inserts the padding each option's alignment
 * needs when you build one.
 */
public sealed interface Ipv6Option {

    /** @return the option type octet */
    int type();

    /** @return octets on the wire, type and length octets included */
    int wireLength();

    /** @return where the option's type octet must sit */
    default Alignment alignment() {
        return Alignment.NONE;
    }

    /** @return true for Pad1 and PadN */
    default boolean isPadding() {
        return false;
    }

    /** Pad1: the single octet 0 (RFC 8200 §4.2). */
    record Pad1() implements Ipv6Option {
        @Override
        public int type() {
            return 0;
        }

        @Override
        public int wireLength() {
            return 1;
        }

        @Override
        public boolean isPadding() {
            return true;
        }
    }

    /**
     * PadN: type 1, then N-2 octets that should be zero (kept as received).
     *
     * @param data the padding octets, 0 to 255 of them
     */
    record PadN(Bytes data) implements Ipv6Option {
        /**
         * Validates the fields.
         *
         * @param data the padding octets, 0 to 255 of them
         * @throws IllegalArgumentException if {@code data} is longer than 255 octets
         */
        public PadN {
            Check.nn("data", data);
            Check.maxLen("PadN data", data, 255);
        }

        /**
         * Zero-filled padding of a total length.
         *
         * @param totalLength octets on the wire, 2 to 257
         * @return the option
         */
        public static PadN ofTotalLength(int totalLength) {
            return new PadN(Bytes.zeros(totalLength - 2));
        }

        @Override
        public int type() {
            return 1;
        }

        @Override
        public int wireLength() {
            return 2 + data.length();
        }

        @Override
        public boolean isPadding() {
            return true;
        }
    }

    /**
     * Home Address option, type 201 (0xC9), alignment 8n+6 (RFC 6275 §6.3). The address is held as its two
     * 64-bit halves, so that a decoded option is one object; {@link #homeAddress()} returns it as an address.
     *
     * @param homeAddressHigh the most significant 64 bits of the mobile node's home address
     * @param homeAddressLow the least significant 64 bits of the home address
     */
    record HomeAddress(long homeAddressHigh, long homeAddressLow) implements Ipv6Option {
        /** Alignment of the Home Address option: 8n+6. */
        public static final Alignment ALIGNMENT = new Alignment(8, 6);

        /**
         * The option carrying an address.
         *
         * @param homeAddress the mobile node's home address
         * @throws NullPointerException if the address is null
         */
        public HomeAddress(Ipv6Address homeAddress) {
            this(Check.nn("homeAddress", homeAddress).high(), homeAddress.low());
        }

        /** @return the mobile node's home address */
        public Ipv6Address homeAddress() {
            return new Ipv6Address(homeAddressHigh, homeAddressLow);
        }

        /** @return the option with its address as text: {@code HomeAddress[homeAddress=2001:db8::1]} */
        @Override
        public String toString() {
            return "HomeAddress[homeAddress=" + homeAddress() + "]";
        }

        @Override
        public int type() {
            return 201;
        }

        @Override
        public int wireLength() {
            return 18;
        }

        @Override
        public Alignment alignment() {
            return ALIGNMENT;
        }
    }

    /**
     * Tunnel Encapsulation Limit, type 4 (RFC 2473 §4.1.1).
     *
     * @param limit how many further encapsulations are allowed, 0 to 255
     */
    record TunnelEncapsulationLimit(int limit) implements Ipv6Option {
        /**
         * Validates the fields.
         *
         * @param limit how many further encapsulations are allowed, 0 to 255
         * @throws IllegalArgumentException if {@code limit} is outside 0..255
         */
        public TunnelEncapsulationLimit {
            Check.u8("limit", limit);
        }

        @Override
        public int type() {
            return 4;
        }

        @Override
        public int wireLength() {
            return 3;
        }
    }

    /**
     * An option mga does not interpret, kept as received. The two high bits of the type say what a receiver
     * that does not know it must do (RFC 8200 §4.2).
     *
     * @param type the option type, not one of the types above
     * @param data the option data, 0 to 255 octets
     */
    record Unknown(int type, Bytes data) implements Ipv6Option {
        /**
         * Validates the fields.
         *
         * @param type the option type, not one of the types above
         * @param data the option data, 0 to 255 octets
         * @throws IllegalArgumentException if the type is a known one or the data is too long
         */
        public Unknown {
            Check.u8("type", type);
            if (type == 0 || type == 1 || type == 4 || type == 201) {
                throw new IllegalArgumentException("option type " + type + " has its own record");
            }
            Check.nn("data", data);
            Check.maxLen("option data", data, 255);
        }

        @Override
        public int wireLength() {
            return 2 + data.length();
        }

        /** @return 0 skip, 1 discard, 2 discard and send Parameter Problem, 3 same unless multicast */
        public int actionIfUnknown() {
            return type >>> 6;
        }
    }

    /**
     * Lays options out for a Hop-by-Hop or Destination Options header: inserts Pad1/PadN before each option
     * as its alignment needs (offsets counted from the start of the header, whose first option sits at 2),
     * and at the end so that the header is a multiple of 8 octets.
     *
     * @param options the options in order; padding given here is kept
     * @return the options with padding, ready for a header record
     */
    static List<Ipv6Option> layOut(List<? extends Ipv6Option> options) {
        return Layout.layOut(options, 2, Ipv6Option::wireLength, Ipv6Option::alignment, Pad1::new,
                PadN::ofTotalLength);
    }
}
