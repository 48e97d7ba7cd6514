package io.mga.wire;

import java.util.Locale;

/**
 * The one exception a decoder throws for bytes it cannot decode, whatever the bytes. It says what is wrong
 * ({@link #kind()}, a stable part of the public contract), in which layer, and at which byte offset.
 *
 * <p>The message is short and never holds a dump of the packet, e.g. {@code "got 12 octets, need 40"}.
 * Offsets count from the first octet of the outermost IPv6 header handed to the decoder. Stack traces are not
 * filled in: this exception describes input, not a program state, and is cheap to throw.
 */
public final class MalformedPacketException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the bytes. The snake_case {@link #id()} is printed by {@code mga decode}. */
    public enum Kind {
        /** The bytes end inside a fixed header or field, or Payload Length exceeds the bytes present. */
        TRUNCATED,
        /** A length field points past the end of what contains it. */
        LENGTH_OVERRUN,
        /** A length field holds a value its type cannot have. */
        BAD_LENGTH,
        /** The IP version nibble is not 6. */
        BAD_IP_VERSION,
        /** A Hop-by-Hop Options header anywhere but directly after an IPv6 header (RFC 8200 §4.1). */
        HOP_BY_HOP_NOT_FIRST,
        /** More extension headers in one chain than {@link Limits#MAX_EXTENSION_HEADERS}. */
        CHAIN_TOO_LONG,
        /** More nested IPv6 packets than {@link Limits#MAX_NESTING}. */
        NESTING_TOO_DEEP,
        /** A link-layer frame that does not carry IPv6. */
        NOT_IPV6,
        /** A capture link type mga does not read. */
        UNSUPPORTED_LINK_TYPE,
        /** A bug in mga: the decoder reached a state it did not expect. */
        DECODER_FAULT;

        /** @return the stable snake_case name, e.g. {@code length_overrun} */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What is wrong. */
    private final Kind kind;
    /** The layer being decoded. */
    private final Layer layer;
    /** Octet offset of the problem. */
    private final int offset;

    /**
     * Creates the exception.
     *
     * @param kind what is wrong
     * @param layer the layer being decoded
     * @param offset octet offset of the problem, from the start of the outermost IPv6 header (0 or more)
     * @param message a short human-readable detail, without packet dumps
     */
    public MalformedPacketException(Kind kind, Layer layer, int offset, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.layer = layer;
        this.offset = offset;
    }

    /** @return what is wrong */
    public Kind kind() {
        return kind;
    }

    /** @return the layer in which decoding failed */
    public Layer layer() {
        return layer;
    }

    /** @return the octet offset of the problem */
    public int offset() {
        return offset;
    }

    /** @return {@code kind at layer offset N: message} */
    @Override
    public String toString() {
        return kind.id() + " at " + layer.id() + " offset " + offset + ": " + getMessage();
    }
}
