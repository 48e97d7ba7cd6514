package io.mga.wire;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import java.util.List;

/**
 * The message carried by a Mobility Header (RFC 6275 §6.1): one record per MH type 0–7, and {@link Unknown}
 * for any other type. Options are kept in wire order with their padding; the static {@code of(...)} factories
 * lay options out for you.
 */
public sealed interface MobilityMessage {

    /** @return the MH Type */
    int type();

    /** @return octets of the type-specific fixed part, counted from the start of the Mobility Header */
    int fixedLength();

    /** @return the mobility options in wire order, padding included (empty for {@link Unknown}) */
    List<MobilityOption> options();

    /** @return octets of the whole Mobility Header this message makes, a multiple of 8 */
    default int wireLength() {
        int n = fixedLength();
        List<MobilityOption> options = options();
        for (int i = 0, size = options.size(); i < size; i++) {
            n += options.get(i).wireLength();
        }
        return n;
    }

    /**
     * Finds an option by record type.
     *
     * @param <T> the option record type
     * @param type for example {@code MobilityOption.NonceIndices.class}
     * @return the first option of that type, if present
     */
    default <T extends MobilityOption> java.util.Optional<T> option(Class<T> type) {
        for (MobilityOption o : options()) {
            if (type.isInstance(o)) {
                return java.util.Optional.of(type.cast(o));
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The minimum Header Len a receiver accepts for each MH type (RFC 6275 §9.2), or -1 for unknown types.
     *
     * @param type the MH Type
     * @return 0, 1 or 2, or -1
     */
    static int minimumHeaderLen(int type) {
        return switch (type) {
            case 0 -> 0;
            case 1, 2, 5, 6 -> 1;
            case 3, 4, 7 -> 2;
            default -> -1;
        };
    }

    /**
     * Binding Refresh Request, type 0 (RFC 6275 §6.1.2).
     *
     * @param reserved the 16-bit Reserved field
     * @param options mobility options with padding
     */
    record BindingRefreshRequest(int reserved, List<MobilityOption> options) implements MobilityMessage {
        /**
         * Validates the fields.
         *
         * @param reserved the 16-bit Reserved field
         * @param options mobility options with padding
         * @throws IllegalArgumentException if out of range or not a whole number of 8-octet units
         */
        public BindingRefreshRequest {
            Check.u16("reserved", reserved);
            options = Messages.check(8, options);
        }

        /**
         * Builds the message with laid-out options.
         *
         * @param options the options, without padding
         * @return the message
         */
        public static BindingRefreshRequest of(MobilityOption... options) {
            return new BindingRefreshRequest(0, MobilityOption.layOut(List.of(options), 8));
        }

        @Override
        public int type() {
            return 0;
        }

        @Override
        public int fixedLength() {
            return 8;
        }
    }

    /**
     * Home Test Init, type 1 (RFC 6275 §6.1.3).
     *
     * @param reserved the 16-bit Reserved field
     * @param cookie the 64-bit Home Init Cookie
     * @param options mobility options with padding
     */
    record HomeTestInit(int reserved, long cookie, List<MobilityOption> options) implements MobilityMessage {
        /**
         * Validates the fields.
         *
         * @param reserved the 16-bit Reserved field
         * @param cookie the 64-bit Home Init Cookie
         * @param options mobility options with padding
         * @throws IllegalArgumentException if out of range or not a whole number of 8-octet units
         */
        public HomeTestInit {
            Check.u16("reserved", reserved);
            options = Messages.check(16, options);
        }

        /**
         * A HoTI with no options.
         *
         * @param cookie the Home Init Cookie
         * @return the message
         */
        public static HomeTestInit of(long cookie) {
            return new HomeTestInit(0, cookie, List.of());
        }

        @Override
        public int type() {
            return 1;
        }

        @Override
        public int fixedLength() {
            return 16;
        }
    }

    /**
     * Care-of Test Init, type 2 (RFC 6275 §6.1.4).
     *
     * @param reserved the 16-bit Reserved field
     * @param cookie the 64-bit Care-of Init Cookie
     * @param options mobility options with padding
     */
    record CareOfTestInit(int reserved, long cookie, List<MobilityOption> options) implements MobilityMessage {
        /**
         * Validates the fields.
         *
         * @param reserved the 16-bit Reserved field
         * @param cookie the 64-bit Care-of Init Cookie
         * @param options mobility options with padding
         * @throws IllegalArgumentException if out of range or not a whole number of 8-octet units
         */
        public CareOfTestInit {
            Check.u16("reserved", reserved);
            options = Messages.check(16, options);
        }

        /**
         * A CoTI with no options.
         *
         * @param cookie the Care-of Init Cookie
         * @return the message
         */
        public static CareOfTestInit of(long cookie) {
            return new CareOfTestInit(0, cookie, List.of());
        }

        @Override
        public int type() {
            return 2;
        }

        @Override
        public int fixedLength() {
            return 16;
        }
    }

    /**
     * Home Test, type 3 (RFC 6275 §6.1.5).
     *
     * @param homeNonceIndex 0 to 65535
     * @param cookie the Home Init Cookie echoed from the HoTI
     * @param keygenToken the 64-bit home keygen token
     * @param options mobility options with padding
     */
    record HomeTest(int homeNonceIndex, long cookie, long keygenToken, List<MobilityOption> options)
            implements MobilityMessage {
        /**
         * Validates the fields.
         *
         * @param homeNonceIndex 0 to 65535
         * @param cookie the Home Init Cookie echoed from the HoTI
         * @param keygenToken the 64-bit home keygen token
         * @param options mobility options with padding
         * @throws IllegalArgumentException if out of range or not a whole number of 8-octet units
         */
        public HomeTest {
            Check.u16("homeNonceIndex", homeNonceIndex);
            options = Messages.check(24, options);
        }

        @Override
        public int type() {
            return 3;
        }

        @Override
        public int fixedLength() {
            return 24;
        }
    }

    /**
     * Care-of Test, type 4 (RFC 6275 §6.1.6).
     *
     * @param careOfNonceIndex 0 to 65535
     * @param cookie the Care-of Init Cookie echoed from the CoTI
     * @param keygenToken the 64-bit care-of keygen token
     * @param options mobility options with padding
     */
    record CareOfTest(int careOfNonceIndex, long cookie, long keygenToken, List<MobilityOption> options)
            implements MobilityMessage {
        /**
         * Validates the fields.
         *
         * @param careOfNonceIndex 0 to 65535
         * @param cookie the Care-of Init Cookie echoed from the CoTI
         * @param keygenToken the 64-bit care-of keygen token
         * @param options mobility options with padding
         * @throws IllegalArgumentException if out of range or not a whole number of 8-octet units
         */
        public CareOfTest {
            Check.u16("careOfNonceIndex", careOfNonceIndex);
            options = Messages.check(24, options);
        }

        @Override
        public int type() {
            return 4;
        }

        @Override
        public int fixedLength() {
            return 24;
        }
    }

    /**
     * Binding Update, type 5 (RFC 6275 §6.1.7; flags M..O from RFC 5648 §4.2).
     *
     * @param sequence the 16-bit Sequence #
     * @param flags the 16-bit word holding A, H, L, K, M, R, P, F, T, O and the reserved bits
     * @param lifetime in units of 4 seconds, 0 to 65535 (0 deletes the binding)
     * @param options mobility options with padding
     */
    record BindingUpdate(int sequence, int flags, int lifetime, List<MobilityOption> options)
            implements MobilityMessage {
        /** A: acknowledgement requested. */
        public static final int FLAG_A = 0x8000;
        /** H: home registration. */
        public static final int FLAG_H = 0x4000;
        /** L: link-local address compatibility. */
        public static final int FLAG_L = 0x2000;
        /** K: key management mobility capability. */
        public static final int FLAG_K = 0x1000;
        /** M: MAP registration (HMIPv6). */
        public static final int FLAG_M = 0x0800;
        /** R: mobile router (NEMO). */
        public static final int FLAG_R = 0x0400;
        /** P: proxy registration (PMIPv6). */
        public static final int FLAG_P = 0x0200;
        /** F: forced UDP encapsulation. */
        public static final int FLAG_F = 0x0100;
        /** T: TLV-header format. */
        public static final int FLAG_T = 0x0080;
        /** O: overwrite all bindings (RFC 5648 §4.2; Wireshark 4.0 shows this bit as B). */
        public static final int FLAG_O = 0x0040;

        /**
         * Validates the fields.
         *
         * @param sequence the 16-bit Sequence #
         * @param flags the 16-bit word holding A, H, L, K, M, R, P, F, T, O and the reserved bits
         * @param lifetime in units of 4 seconds, 0 to 65535 (0 deletes the binding)
         * @param options mobility options with padding
         * @throws IllegalArgumentException if out of range or not a whole number of 8-octet units
         */
        public BindingUpdate {
            Check.u16("sequence", sequence);
            Check.u16("flags", flags);
            Check.u16("lifetime", lifetime);
            options = Messages.check(12, options);
        }

        /**
         * Builds a BU with laid-out options.
         *
         * @param sequence Sequence #
         * @param flags the flag word, e.g. {@code FLAG_A | FLAG_H}
         * @param lifetime in 4-second units
         * @param options the options, without padding; a Binding Authorization Data option goes last
         * @return the message
         */
        public static BindingUpdate of(int sequence, int flags, int lifetime, MobilityOption... options) {
            return new BindingUpdate(sequence, flags, lifetime, MobilityOption.layOut(List.of(options), 12));
        }

        /**
         * Tests a flag.
         *
         * @param flag one of the {@code FLAG_} constants
         * @return true when set
         */
        public boolean has(int flag) {
            return (flags & flag) == flag;
        }

        /** @return the lifetime in seconds (lifetime × 4) */
        public long lifetimeSeconds() {
            return lifetime * 4L;
        }

        @Override
        public int type() {
            return 5;
        }

        @Override
        public int fixedLength() {
            return 12;
        }
    }

    /**
     * Binding Acknowledgement, type 6 (RFC 6275 §6.1.8).
     *
     * @param status the status, below 128 when accepted; see {@link BaStatus}
     * @param flags the octet holding K, R, P, T, B and reserved bits
     * @param sequence the Sequence # copied from the BU (the last accepted one with status 135)
     * @param lifetime the granted lifetime in 4-second units
     * @param options mobility options with padding
     */
    record BindingAcknowledgement(int status, int flags, int sequence, int lifetime, List<MobilityOption> options)
            implements MobilityMessage {
        /** K: key management mobility capability. */
        public static final int FLAG_K = 0x80;
        /** R: mobile router. */
        public static final int FLAG_R = 0x40;
        /** P: proxy registration. */
        public static final int FLAG_P = 0x20;
        /** T: TLV-header format. */
        public static final int FLAG_T = 0x10;
        /** B: bulk binding update (Wireshark's name for this bit). */
        public static final int FLAG_B = 0x08;

        /**
         * Validates the fields.
         *
         * @param status the status, below 128 when accepted; see {@link BaStatus}
         * @param flags the octet holding K, R, P, T, B and reserved bits
         * @param sequence the Sequence # copied from the BU (the last accepted one with status 135)
         * @param lifetime the granted lifetime in 4-second units
         * @param options mobility options with padding
         * @throws IllegalArgumentException if out of range or not a whole number of 8-octet units
         */
        public BindingAcknowledgement {
            Check.u8("status", status);
            Check.u8("flags", flags);
            Check.u16("sequence", sequence);
            Check.u16("lifetime", lifetime);
            options = Messages.check(12, options);
        }

        /**
         * Builds a BA with laid-out options.
         *
         * @param status the status code
         * @param flags the flag octet
         * @param sequence Sequence #
         * @param lifetime granted lifetime in 4-second units
         * @param options the options, without padding
         * @return the message
         */
        public static BindingAcknowledgement of(int status, int flags, int sequence, int lifetime,
                MobilityOption... options) {
            return new BindingAcknowledgement(status, flags, sequence, lifetime,
                    MobilityOption.layOut(List.of(options), 12));
        }

        /** @return true when the status accepts the BU (below 128) */
        public boolean accepted() {
            return status < 128;
        }

        @Override
        public int type() {
            return 6;
        }

        @Override
        public int fixedLength() {
            return 12;
        }
    }

    /**
     * Binding Error, type 7 (RFC 6275 §6.1.9).
     *
     * @param status 1 (unknown binding for the Home Address option) or 2 (unrecognised MH type)
     * @param reserved the Reserved octet
     * @param homeAddress copied from the offending packet's Home Address option, or {@code ::}
     * @param options mobility options with padding
     */
    record BindingError(int status, int reserved, Ipv6Address homeAddress, List<MobilityOption> options)
            implements MobilityMessage {
        /**
         * Validates the fields.
         *
         * @param status 1 (unknown binding for the Home Address option) or 2 (unrecognised MH type)
         * @param reserved the Reserved octet
         * @param homeAddress copied from the offending packet's Home Address option, or {@code ::}
         * @param options mobility options with padding
         * @throws IllegalArgumentException if out of range or not a whole number of 8-octet units
         */
        public BindingError {
            Check.u8("status", status);
            Check.u8("reserved", reserved);
            Check.nn("homeAddress", homeAddress);
            options = Messages.check(24, options);
        }

        /**
         * A Binding Error with no options.
         *
         * @param status the status
         * @param homeAddress the home address
         * @return the message
         */
        public static BindingError of(int status, Ipv6Address homeAddress) {
            return new BindingError(status, 0, homeAddress, List.of());
        }

        @Override
        public int type() {
            return 7;
        }

        @Override
        public int fixedLength() {
            return 24;
        }
    }

    /**
     * A message of an MH type mga does not know, kept raw. A receiver answers it with a Binding Error, status 2
     * (RFC 6275 §9.2).
     *
     * @param type the MH Type (8 or more)
     * @param data the octets from MH offset 6 to the end; 6 plus their length must be a multiple of 8
     */
    record Unknown(int type, Bytes data) implements MobilityMessage {
        /**
         * Validates the fields.
         *
         * @param type the MH Type (8 or more)
         * @param data the octets from MH offset 6 to the end; 6 plus their length must be a multiple of 8
         * @throws IllegalArgumentException if the type is known or the length does not fit
         */
        public Unknown {
            Check.u8("type", type);
            if (type <= 7) {
                throw new IllegalArgumentException("MH type " + type + " has its own record");
            }
            Check.nn("data", data);
            Headers.checkUnits(6 + data.length(), 8, 2048);
        }

        @Override
        public int fixedLength() {
            return 6 + data.length();
        }

        @Override
        public List<MobilityOption> options() {
            return List.of();
        }
    }
}
