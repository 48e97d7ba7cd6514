package io.mga.wire;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import java.util.List;

/**
 * An ICMPv6 message body (RFC 4443, RFC 4861, RFC 6275 §6.5–§6.8): one record per type mga decodes, and
 * {@link Unknown} for the rest. The checksum lives in {@link Icmpv6}.
 */
public sealed interface Icmpv6Message {

    /** @return the ICMPv6 Type */
    int type();

    /** @return the Code, 0 to 255 */
    int code();

    /** @return octets on the wire, the 4-octet type/code/checksum header included */
    int wireLength();

    /**
     * An error message carrying as much of the invoking packet as fits (RFC 4443 §2.4 (c)): Destination
     * Unreachable, Packet Too Big, Time Exceeded, Parameter Problem.
     */
    sealed interface Error extends Icmpv6Message {
        /** @return the 32-bit field after the checksum: Unused, MTU or Pointer */
        long word();

        /** @return the invoking packet's octets as carried */
        Bytes invoking();

        /**
         * Decodes the invoking packet as far as it goes. Errors inside it are reported in the result, never
         * thrown; offsets in them count from the start of the invoking packet.
         *
         * @param depth how many IPv6 packets enclose this message (1 when it is carried by the outermost one)
         * @return what could be decoded
         */
        default PartialPacket invokingPacket(int depth) {
            byte[] b = invoking().toArray();
            return PacketDecoder.decodePartial(b, 0, b.length, depth + 1);
        }

        @Override
        default int wireLength() {
            return 8 + invoking().length();
        }
    }

    /**
     * Destination Unreachable, type 1 (RFC 4443 §3.1). Codes: 0 no route, 1 administratively prohibited,
     * 2 beyond scope, 3 address unreachable, 4 port unreachable, 5 source address failed policy, 6 reject route.
     *
     * @param code the code
     * @param word the 32-bit Unused field
     * @param invoking the invoking packet
     */
    record DestinationUnreachable(int code, long word, Bytes invoking) implements Error {
        /**
         * Validates the fields.
         *
         * @param code the code
         * @param word the 32-bit Unused field
         * @param invoking the invoking packet
         * @throws IllegalArgumentException if a field is out of range
         */
        public DestinationUnreachable {
            Icmp.checkError(code, word, invoking);
        }

        @Override
        public int type() {
            return 1;
        }
    }

    /**
     * Packet Too Big, type 2 (RFC 4443 §3.2).
     *
     * @param code 0
     * @param word the MTU of the next-hop link
     * @param invoking the invoking packet
     */
    record PacketTooBig(int code, long word, Bytes invoking) implements Error {
        /**
         * Validates the fields.
         *
         * @param code 0
         * @param word the MTU of the next-hop link
         * @param invoking the invoking packet
         * @throws IllegalArgumentException if a field is out of range
         */
        public PacketTooBig {
            Icmp.checkError(code, word, invoking);
        }

        @Override
        public int type() {
            return 2;
        }
    }

    /**
     * Time Exceeded, type 3 (RFC 4443 §3.3): code 0 hop limit, 1 reassembly time.
     *
     * @param code the code
     * @param word the 32-bit Unused field
     * @param invoking the invoking packet
     */
    record TimeExceeded(int code, long word, Bytes invoking) implements Error {
        /**
         * Validates the fields.
         *
         * @param code the code
         * @param word the 32-bit Unused field
         * @param invoking the invoking packet
         * @throws IllegalArgumentException if a field is out of range
         */
        public TimeExceeded {
            Icmp.checkError(code, word, invoking);
        }

        @Override
        public int type() {
            return 3;
        }
    }

    /**
     * Parameter Problem, type 4 (RFC 4443 §3.4): code 0 erroneous header field, 1 unrecognised Next Header,
     * 2 unrecognised IPv6 option, 3 incomplete header chain.
     *
     * @param code the code
     * @param word the Pointer: offset of the error in the invoking packet
     * @param invoking the invoking packet
     */
    record ParameterProblem(int code, long word, Bytes invoking) implements Error {
        /**
         * Validates the fields.
         *
         * @param code the code
         * @param word the Pointer: offset of the error in the invoking packet
         * @param invoking the invoking packet
         * @throws IllegalArgumentException if a field is out of range
         */
        public ParameterProblem {
            Icmp.checkError(code, word, invoking);
        }

        @Override
        public int type() {
            return 4;
        }
    }

    /**
     * Echo Request (128) or Echo Reply (129) (RFC 4443 §4).
     *
     * @param type 128 or 129
     * @param code 0
     * @param identifier 16 bits
     * @param sequence 16 bits
     * @param data the data
     */
    record Echo(int type, int code, int identifier, int sequence, Bytes data) implements Icmpv6Message {
        /** Type 128. */
        public static final int REQUEST = 128;
        /** Type 129. */
        public static final int REPLY = 129;

        /**
         * Validates the fields.
         *
         * @param type 128 or 129
         * @param code 0
         * @param identifier 16 bits
         * @param sequence 16 bits
         * @param data the data
         * @throws IllegalArgumentException if a field is out of range
         */
        public Echo {
            if (type != REQUEST && type != REPLY) {
                throw new IllegalArgumentException("echo type must be 128 or 129, got " + type);
            }
            Check.u8("code", code);
            Check.u16("identifier", identifier);
            Check.u16("sequence", sequence);
            Check.nn("data", data);
        }

        @Override
        public int wireLength() {
            return 8 + data.length();
        }
    }

    /**
     * Neighbor Solicitation, type 135 (RFC 4861 §4.3).
     *
     * @param code 0
     * @param reserved the 32-bit Reserved field
     * @param target the target address
     * @param options ND options
     */
    record NeighborSolicitation(int code, long reserved, Ipv6Address target, List<NdOption> options)
            implements Icmpv6Message {
        /**
         * Validates the fields.
         *
         * @param code 0
         * @param reserved the 32-bit Reserved field
         * @param target the target address
         * @param options ND options
         * @throws IllegalArgumentException if a field is out of range
         */
        public NeighborSolicitation {
            Check.u8("code", code);
            Check.u32("reserved", reserved);
            Check.nn("target", target);
            options = Check.list("options", options);
        }

        @Override
        public int type() {
            return 135;
        }

        @Override
        public int wireLength() {
            return 24 + Icmp.length(options);
        }
    }

    /**
     * Neighbor Advertisement, type 136 (RFC 4861 §4.4).
     *
     * @param code 0
     * @param flags the 32-bit word holding R (bit 31), S (bit 30), O (bit 29) and reserved bits
     * @param target the target address
     * @param options ND options
     */
    record NeighborAdvertisement(int code, long flags, Ipv6Address target, List<NdOption> options)
            implements Icmpv6Message {
        /** R: router. */
        public static final long FLAG_R = 0x8000_0000L;
        /** S: solicited. */
        public static final long FLAG_S = 0x4000_0000L;
        /** O: override. */
        public static final long FLAG_O = 0x2000_0000L;

        /**
         * Validates the fields.
         *
         * @param code 0
         * @param flags the 32-bit word holding R (bit 31), S (bit 30), O (bit 29) and reserved bits
         * @param target the target address
         * @param options ND options
         * @throws IllegalArgumentException if a field is out of range
         */
        public NeighborAdvertisement {
            Check.u8("code", code);
            Check.u32("flags", flags);
            Check.nn("target", target);
            options = Check.list("options", options);
        }

        @Override
        public int type() {
            return 136;
        }

        @Override
        public int wireLength() {
            return 24 + Icmp.length(options);
        }
    }

    /**
     * Home Agent Address Discovery Request, type 144 (RFC 6275 §6.5).
     *
     * @param code 0
     * @param identifier 16 bits
     * @param reserved the 16-bit Reserved field
     */
    record HaadRequest(int code, int identifier, int reserved) implements Icmpv6Message {
        /**
         * Validates the fields.
         *
         * @param code 0
         * @param identifier 16 bits
         * @param reserved the 16-bit Reserved field
         * @throws IllegalArgumentException if a field is out of range
         */
        public HaadRequest {
            Check.u8("code", code);
            Check.u16("identifier", identifier);
            Check.u16("reserved", reserved);
        }

        @Override
        public int type() {
            return 144;
        }

        @Override
        public int wireLength() {
            return 8;
        }
    }

    /**
     * Home Agent Address Discovery Reply, type 145 (RFC 6275 §6.6).
     *
     * @param code 0
     * @param identifier copied from the request
     * @param reserved the 16-bit Reserved field
     * @param homeAgents home agent addresses, most preferred first
     */
    record HaadReply(int code, int identifier, int reserved, List<Ipv6Address> homeAgents) implements Icmpv6Message {
        /**
         * Validates the fields.
         *
         * @param code 0
         * @param identifier copied from the request
         * @param reserved the 16-bit Reserved field
         * @param homeAgents home agent addresses, most preferred first
         * @throws IllegalArgumentException if a field is out of range
         */
        public HaadReply {
            Check.u8("code", code);
            Check.u16("identifier", identifier);
            Check.u16("reserved", reserved);
            homeAgents = Check.list("homeAgents", homeAgents);
        }

        @Override
        public int type() {
            return 145;
        }

        @Override
        public int wireLength() {
            return 8 + 16 * homeAgents.size();
        }
    }

    /**
     * Mobile Prefix Solicitation, type 146 (RFC 6275 §6.7).
     *
     * @param code 0
     * @param identifier 16 bits
     * @param reserved the 16-bit Reserved field
     * @param options ND-format options (none defined)
     */
    record MobilePrefixSolicitation(int code, int identifier, int reserved, List<NdOption> options)
            implements Icmpv6Message {
        /**
         * Validates the fields.
         *
         * @param code 0
         * @param identifier 16 bits
         * @param reserved the 16-bit Reserved field
         * @param options ND-format options (none defined)
         * @throws IllegalArgumentException if a field is out of range
         */
        public MobilePrefixSolicitation {
            Check.u8("code", code);
            Check.u16("identifier", identifier);
            Check.u16("reserved", reserved);
            options = Check.list("options", options);
        }

        @Override
        public int type() {
            return 146;
        }

        @Override
        public int wireLength() {
            return 8 + Icmp.length(options);
        }
    }

    /**
     * Mobile Prefix Advertisement, type 147 (RFC 6275 §6.8).
     *
     * @param code 0
     * @param identifier copied from the solicitation
     * @param flags the 16-bit word holding M (0x8000), O (0x4000) and reserved bits
     * @param options ND-format options, at least one Prefix Information
     */
    record MobilePrefixAdvertisement(int code, int identifier, int flags, List<NdOption> options)
            implements Icmpv6Message {
        /** M: managed address configuration. */
        public static final int FLAG_M = 0x8000;
        /** O: other stateful configuration. */
        public static final int FLAG_O = 0x4000;

        /**
         * Validates the fields.
         *
         * @param code 0
         * @param identifier copied from the solicitation
         * @param flags the 16-bit word holding M (0x8000), O (0x4000) and reserved bits
         * @param options ND-format options, at least one Prefix Information
         * @throws IllegalArgumentException if a field is out of range
         */
        public MobilePrefixAdvertisement {
            Check.u8("code", code);
            Check.u16("identifier", identifier);
            Check.u16("flags", flags);
            options = Check.list("options", options);
        }

        @Override
        public int type() {
            return 147;
        }

        @Override
        public int wireLength() {
            return 8 + Icmp.length(options);
        }
    }

    /**
     * Any other ICMPv6 type, kept as received.
     *
     * @param type the type (not one of the above)
     * @param code the code
     * @param data the octets after the checksum
     */
    record Unknown(int type, int code, Bytes data) implements Icmpv6Message {
        /**
         * Validates the fields.
         *
         * @param type the type (not one of the above)
         * @param code the code
         * @param data the octets after the checksum
         * @throws IllegalArgumentException if the type has its own record
         */
        public Unknown {
            Check.u8("type", type);
            if (Icmpv6Type.valueOf(type).isAssigned()) {
                throw new IllegalArgumentException("ICMPv6 type " + type + " has its own record");
            }
            Check.u8("code", code);
            Check.nn("data", data);
        }

        @Override
        public int wireLength() {
            return 4 + data.length();
        }
    }
}
