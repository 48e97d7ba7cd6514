package io.mga.wire;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import java.util.List;

/**
 * A mobility option (RFC 6275 §6.2 and the RFCs named per record). Padding is an option like any other, so a
 * decoded message keeps its exact layout; {@link #layOut(List, int)} inserts the padding alignments need.
 */
public sealed interface MobilityOption {

    /** @return the option type octet */
    int type();

    /** @return octets on the wire, type and length octets included (1 for Pad1) */
    int wireLength();

    /** @return where the option's type octet must sit, counted from the start of the Mobility Header */
    default Alignment alignment() {
        return Alignment.NONE;
    }

    /** @return true for Pad1 and PadN */
    default boolean isPadding() {
        return false;
    }

    /** Pad1, the single octet 0 (RFC 6275 §6.2.2). */
    record Pad1() implements MobilityOption {
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
     * PadN, type 1 (RFC 6275 §6.2.3); the receiver ignores the data, which is kept as received.
     *
     * @param data N-2 octets, at most 255
     */
    record PadN(Bytes data) implements MobilityOption {
        /**
         * Validates the fields.
         *
         * @param data N-2 octets, at most 255
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
     * Binding Refresh Advice, type 2, alignment 2n (RFC 6275 §6.2.4).
     *
     * @param refreshInterval in units of 4 seconds, 0 to 65535
     */
    record BindingRefreshAdvice(int refreshInterval) implements MobilityOption {
        /**
         * Validates the fields.
         *
         * @param refreshInterval in units of 4 seconds, 0 to 65535
         * @throws IllegalArgumentException if out of range
         */
        public BindingRefreshAdvice {
            Check.u16("refreshInterval", refreshInterval);
        }

        @Override
        public int type() {
            return 2;
        }

        @Override
        public int wireLength() {
            return 4;
        }

        @Override
        public Alignment alignment() {
            return new Alignment(2, 0);
        }
    }

    /**
     * Alternate Care-of Address, type 3, alignment 8n+6 (RFC 6275 §6.2.5).
     *
     * @param address the care-of address being registered
     */
    record AlternateCareOfAddress(Ipv6Address address) implements MobilityOption {
        /**
         * Validates the fields.
         *
         * @param address the care-of address being registered
         * @throws NullPointerException if the address is null
         */
        public AlternateCareOfAddress {
            Check.nn("address", address);
        }

        @Override
        public int type() {
            return 3;
        }

        @Override
        public int wireLength() {
            return 18;
        }

        @Override
        public Alignment alignment() {
            return new Alignment(8, 6);
        }
    }

    /**
     * Nonce Indices, type 4, alignment 2n (RFC 6275 §6.2.6).
     *
     * @param homeNonceIndex 0 to 65535
     * @param careOfNonceIndex 0 to 65535
     */
    record NonceIndices(int homeNonceIndex, int careOfNonceIndex) implements MobilityOption {
        /**
         * Validates the fields.
         *
         * @param homeNonceIndex 0 to 65535
         * @param careOfNonceIndex 0 to 65535
         * @throws IllegalArgumentException if out of range
         */
        public NonceIndices {
            Check.u16("homeNonceIndex", homeNonceIndex);
            Check.u16("careOfNonceIndex", careOfNonceIndex);
        }

        @Override
        public int type() {
            return 4;
        }

        @Override
        public int wireLength() {
            return 6;
        }

        @Override
        public Alignment alignment() {
            return new Alignment(2, 0);
        }
    }

    /**
     * Binding Authorization Data, type 5 (RFC 6275 §6.2.7). It must be the last option, with no padding after
     * it; its alignment is the one that makes it end on an 8-octet boundary (8n+2 for the 96-bit authenticator).
     *
     * @param authenticator 12 octets with return routability; up to 255
     */
    record BindingAuthorizationData(Bytes authenticator) implements MobilityOption {
        /**
         * Validates the fields.
         *
         * @param authenticator 12 octets with return routability; up to 255
         * @throws IllegalArgumentException if longer than 255 octets
         */
        public BindingAuthorizationData {
            Check.nn("authenticator", authenticator);
            Check.maxLen("authenticator", authenticator, 255);
        }

        @Override
        public int type() {
            return 5;
        }

        @Override
        public int wireLength() {
            return 2 + authenticator.length();
        }

        @Override
        public Alignment alignment() {
            return new Alignment(8, Math.floorMod(-wireLength(), 8));
        }
    }

    /**
     * Mobile Node Identifier, type 8 (RFC 4283 §3); must come before any authentication option.
     *
     * @param subtype 1 = NAI
     * @param identifier the identifier octets (for an NAI, UTF-8 text), at most 254
     */
    record MobileNodeIdentifier(int subtype, Bytes identifier) implements MobilityOption {
        /** Subtype 1: Network Access Identifier. */
        public static final int NAI = 1;

        /**
         * Validates the fields.
         *
         * @param subtype 1 = NAI
         * @param identifier the identifier octets (for an NAI, UTF-8 text), at most 254
         * @throws IllegalArgumentException if out of range
         */
        public MobileNodeIdentifier {
            Check.u8("subtype", subtype);
            Check.nn("identifier", identifier);
            Check.maxLen("identifier", identifier, 254);
        }

        /**
         * An NAI identifier, for example {@code ar1@example.net}.
         *
         * @param nai the identifier text
         * @return the option
         */
        public static MobileNodeIdentifier nai(String nai) {
            return new MobileNodeIdentifier(NAI, Bytes.of(nai.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }

        @Override
        public int type() {
            return 8;
        }

        @Override
        public int wireLength() {
            return 3 + identifier.length();
        }
    }

    /**
     * Mobility Message Authentication, type 9, alignment 4n+1 (RFC 4285 §5).
     *
     * @param subtype 1 = MN-HA, 2 = MN-AAA
     * @param spi the 32-bit Mobility SPI
     * @param authenticationData the MAC (96 bits with HMAC_SHA1 truncated), at most 250 octets
     */
    record Authentication(int subtype, long spi, Bytes authenticationData) implements MobilityOption {
        /** Subtype 1: MN-HA authentication. */
        public static final int MN_HA = 1;
        /** Subtype 2: MN-AAA authentication. */
        public static final int MN_AAA = 2;

        /**
         * Validates the fields.
         *
         * @param subtype 1 = MN-HA, 2 = MN-AAA
         * @param spi the 32-bit Mobility SPI
         * @param authenticationData the MAC (96 bits with HMAC_SHA1 truncated), at most 250 octets
         * @throws IllegalArgumentException if out of range
         */
        public Authentication {
            Check.u8("subtype", subtype);
            Check.u32("spi", spi);
            Check.nn("authenticationData", authenticationData);
            Check.maxLen("authenticationData", authenticationData, 250);
        }

        @Override
        public int type() {
            return 9;
        }

        @Override
        public int wireLength() {
            return 7 + authenticationData.length();
        }

        @Override
        public Alignment alignment() {
            return new Alignment(4, 1);
        }
    }

    /**
     * Mobility Message Replay Protection, type 10, alignment 8n+2 (RFC 4285 §6).
     *
     * @param timestamp 64-bit NTP-format time (low 32 bits: fraction of a second), as an unsigned long
     */
    record ReplayProtection(long timestamp) implements MobilityOption {
        @Override
        public int type() {
            return 10;
        }

        @Override
        public int wireLength() {
            return 10;
        }

        @Override
        public Alignment alignment() {
            return new Alignment(8, 2);
        }
    }

    /**
     * Vendor-Specific Mobility Option, type 19, alignment 4n+2 (RFC 5094 §3). mga documents its own use in the
     * engine's documentation.
     *
     * @param vendorId the 32-bit SMI network management private enterprise code
     * @param subtype vendor-defined, 0 to 255
     * @param data vendor-defined, at most 250 octets
     */
    record VendorSpecific(long vendorId, int subtype, Bytes data) implements MobilityOption {
        /**
         * Validates the fields.
         *
         * @param vendorId the 32-bit SMI network management private enterprise code
         * @param subtype vendor-defined, 0 to 255
         * @param data vendor-defined, at most 250 octets
         * @throws IllegalArgumentException if out of range
         */
        public VendorSpecific {
            Check.u32("vendorId", vendorId);
            Check.u8("subtype", subtype);
            Check.nn("data", data);
            Check.maxLen("data", data, 250);
        }

        @Override
        public int type() {
            return 19;
        }

        @Override
        public int wireLength() {
            return 7 + data.length();
        }

        @Override
        public Alignment alignment() {
            return new Alignment(4, 2);
        }
    }

    /**
     * Binding Identifier, type 35 (RFC 5648 §4.3): length 4 without care-of address, 8 with an IPv4 one, 20 with
     * an IPv6 one; alignment 2n, 4n+2 and 8n+2 respectively.
     *
     * @param bid the Binding ID, 1 to 65535 (0 is reserved but kept when received)
     * @param status valid in a BA or CoT, 0 otherwise
     * @param flags the octet holding H (0x80) and seven reserved bits
     * @param careOfAddress empty, 4 octets (IPv4) or 16 octets (IPv6)
     */
    record BindingIdentifier(int bid, int status, int flags, Bytes careOfAddress) implements MobilityOption {
        /** The H flag: simultaneous home and foreign binding. */
        public static final int FLAG_H = 0x80;

        /**
         * Validates the fields.
         *
         * @param bid the Binding ID, 1 to 65535 (0 is reserved but kept when received)
         * @param status valid in a BA or CoT, 0 otherwise
         * @param flags the octet holding H (0x80) and seven reserved bits
         * @param careOfAddress empty, 4 octets (IPv4) or 16 octets (IPv6)
         * @throws IllegalArgumentException if out of range or the care-of address is not 0, 4 or 16 octets
         */
        public BindingIdentifier {
            Check.u16("bid", bid);
            Check.u8("status", status);
            Check.u8("flags", flags);
            Check.nn("careOfAddress", careOfAddress);
            int n = careOfAddress.length();
            if (n != 0 && n != 4 && n != 16) {
                throw new IllegalArgumentException("care-of address must be 0, 4 or 16 octets, got " + n);
            }
        }

        /**
         * A BID option carrying an IPv6 care-of address, flags 0.
         *
         * @param bid the Binding ID, 1 to 65535
         * @param status 0 in a BU
         * @param careOf the care-of address
         * @return the option
         */
        public static BindingIdentifier of(int bid, int status, Ipv6Address careOf) {
            return new BindingIdentifier(bid, status, 0, Bytes.of(careOf.toBytes()));
        }

        /**
         * A BID option without a care-of address, flags 0.
         *
         * @param bid the Binding ID
         * @param status the status (BA only)
         * @return the option
         */
        public static BindingIdentifier of(int bid, int status) {
            return new BindingIdentifier(bid, status, 0, Bytes.EMPTY);
        }

        /** @return the IPv6 care-of address, when 16 octets are present */
        public java.util.Optional<Ipv6Address> ipv6CareOfAddress() {
            return careOfAddress.length() == 16 ? java.util.Optional.of(Ipv6Address.of(careOfAddress.toArray()))
                    : java.util.Optional.empty();
        }

        @Override
        public int type() {
            return 35;
        }

        @Override
        public int wireLength() {
            return 6 + careOfAddress.length();
        }

        @Override
        public Alignment alignment() {
            return switch (careOfAddress.length()) {
                case 16 -> new Alignment(8, 2);
                case 4 -> new Alignment(4, 2);
                default -> new Alignment(2, 0);
            };
        }
    }

    /**
     * An option mga does not interpret, kept as received (receivers skip it, RFC 6275 §6.2.1).
     *
     * @param type an option type without its own record
     * @param data the option data, at most 255 octets
     */
    record Unknown(int type, Bytes data) implements MobilityOption {
        /**
         * Validates the fields.
         *
         * @param type an option type without its own record
         * @param data the option data, at most 255 octets
         * @throws IllegalArgumentException if the type has its own record or the data is too long
         */
        public Unknown {
            Check.u8("type", type);
            if (MobilityOptionType.valueOf(type).isAssigned()) {
                throw new IllegalArgumentException("mobility option type " + type + " has its own record");
            }
            Check.nn("data", data);
            Check.maxLen("data", data, 255);
        }

        @Override
        public int wireLength() {
            return 2 + data.length();
        }
    }

    /**
     * Lays options out after a message's fixed part: inserts Pad1/PadN before each option as its alignment needs,
     * and after the last one so that the Mobility Header ends on an 8-octet boundary (RFC 6275 §6.2.1).
     * A Binding Authorization Data option aligned as above needs no padding after it (RFC 6275 §6.2.7).
     *
     * @param options the options in order, without padding (padding given is kept)
     * @param startOffset the Mobility Header offset where options begin (the fixed part's size)
     * @return the options with padding
     */
    static List<MobilityOption> layOut(List<? extends MobilityOption> options, int startOffset) {
        return Layout.layOut(options, startOffset, MobilityOption::wireLength, MobilityOption::alignment, Pad1::new,
                PadN::ofTotalLength);
    }
}
