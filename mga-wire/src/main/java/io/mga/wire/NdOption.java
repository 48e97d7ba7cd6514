package io.mga.wire;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;

/**
 * A Neighbor Discovery option (RFC 4861 §4.6): Type, Length in 8-octet units, data. Used by Neighbor
 * Solicitation/Advertisement and the Mobile Prefix messages.
 */
public sealed interface NdOption {

    /** @return the option type */
    int type();

    /** @return octets on the wire, a multiple of 8 */
    int wireLength();

    /**
     * Source (type 1) or Target (type 2) Link-Layer Address.
     *
     * @param type 1 or 2
     * @param address the link-layer address with any trailing padding as received; 6 octets for Ethernet.
     *     2 plus its length must be a multiple of 8
     */
    record LinkLayerAddress(int type, Bytes address) implements NdOption {
        /** Type 1: Source Link-Layer Address. */
        public static final int SOURCE = 1;
        /** Type 2: Target Link-Layer Address. */
        public static final int TARGET = 2;

        /**
         * Validates the fields.
         *
         * @param type 1 or 2
         * @param address the link-layer address with any trailing padding as received; 6 octets for Ethernet. 2 plus its length must be a multiple of 8
         * @throws IllegalArgumentException if the type is not 1 or 2 or the length does not fit
         */
        public LinkLayerAddress {
            if (type != SOURCE && type != TARGET) {
                throw new IllegalArgumentException("link-layer address option type must be 1 or 2, got " + type);
            }
            Check.nn("address", address);
            Headers.checkUnits(2 + address.length(), 8, 255 * 8);
        }

        @Override
        public int wireLength() {
            return 2 + address.length();
        }
    }

    /**
     * Prefix Information, type 3, 32 octets (RFC 4861 §4.6.2; R flag from RFC 6275 §7.2).
     *
     * @param prefixLength 0 to 255 as on the wire (valid prefixes have 0 to 128)
     * @param flags the octet holding L (0x80), A (0x40), R (0x20) and reserved bits
     * @param validLifetime seconds, 32 bits
     * @param preferredLifetime seconds, 32 bits
     * @param reserved2 the 32-bit Reserved2 field
     * @param prefix the prefix (or, with R, the router's full address)
     */
    record PrefixInformation(int prefixLength, int flags, long validLifetime, long preferredLifetime,
            long reserved2, Ipv6Address prefix) implements NdOption {
        /** L: on-link. */
        public static final int FLAG_L = 0x80;
        /** A: autonomous address configuration. */
        public static final int FLAG_A = 0x40;
        /** R: router address (RFC 6275 §7.2). */
        public static final int FLAG_R = 0x20;

        /**
         * Validates the fields.
         *
         * @param prefixLength 0 to 255 as on the wire (valid prefixes have 0 to 128)
         * @param flags the octet holding L (0x80), A (0x40), R (0x20) and reserved bits
         * @param validLifetime seconds, 32 bits
         * @param preferredLifetime seconds, 32 bits
         * @param reserved2 the 32-bit Reserved2 field
         * @param prefix the prefix (or, with R, the router's full address)
         * @throws IllegalArgumentException if a field is out of range
         */
        public PrefixInformation {
            Check.u8("prefixLength", prefixLength);
            Check.u8("flags", flags);
            Check.u32("validLifetime", validLifetime);
            Check.u32("preferredLifetime", preferredLifetime);
            Check.u32("reserved2", reserved2);
            Check.nn("prefix", prefix);
        }

        @Override
        public int type() {
            return 3;
        }

        @Override
        public int wireLength() {
            return 32;
        }
    }

    /**
     * Any other ND option, kept as received.
     *
     * @param type the option type (not 1, 2 or 3)
     * @param data the octets after Type and Length; 2 plus their length must be a multiple of 8
     */
    record Unknown(int type, Bytes data) implements NdOption {
        /**
         * Validates the fields.
         *
         * @param type the option type (not 1, 2 or 3)
         * @param data the octets after Type and Length; 2 plus their length must be a multiple of 8
         * @throws IllegalArgumentException if the type has its own record or the length does not fit
         */
        public Unknown {
            Check.u8("type", type);
            if (type >= 1 && type <= 3) {
                throw new IllegalArgumentException("ND option type " + type + " has its own record");
            }
            Check.nn("data", data);
            Headers.checkUnits(2 + data.length(), 8, 255 * 8);
        }

        @Override
        public int wireLength() {
            return 2 + data.length();
        }
    }
}
