package io.mga.pcapio.link;

import io.mga.api.Ipv6Address;
import java.util.Locale;

/**
 * A 48-bit Ethernet (IEEE 802) address, held in the low 48 bits of a {@code long}.
 *
 * @param bits the address, first octet in bits 47..40
 */
public record MacAddress(long bits) {
    /** The broadcast address ff:ff:ff:ff:ff:ff. */
    public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);
    /** Octets in an Ethernet address. */
    public static final int BYTES = 6;

    /**
     * Validates the value.
     *
     * @param bits the address, first octet in bits 47..40
     * @throws IllegalArgumentException if a bit above the 48th is set
     */
    public MacAddress {
        if ((bits >>> 48) != 0) {
            throw new IllegalArgumentException("an Ethernet address has 48 bits, got 0x" + Long.toHexString(bits));
        }
    }

    /**
     * Reads 6 octets.
     *
     * @param b the array
     * @param offset index of the first octet
     * @return the address
     * @throws IndexOutOfBoundsException if fewer than 6 octets lie at {@code offset}
     */
    public static MacAddress read(byte[] b, int offset) {
        java.util.Objects.checkFromIndexSize(offset, BYTES, b.length);
        long v = 0;
        for (int i = 0; i < BYTES; i++) {
            v = v << 8 | (b[offset + i] & 0xff);
        }
        return new MacAddress(v);
    }

    /**
     * @param b exactly 6 octets
     * @return the address
     * @throws IllegalArgumentException if {@code b} does not hold 6 octets
     */
    public static MacAddress of(byte[] b) {
        if (b.length != BYTES) {
            throw new IllegalArgumentException("an Ethernet address has 6 octets, got " + b.length);
        }
        return read(b, 0);
    }

    /**
     * Parses the usual text form: six pairs of hex digits separated by {@code :} or {@code -}.
     *
     * @param text e.g. {@code 02:00:5e:10:00:01}
     * @return the address
     * @throws IllegalArgumentException if the text is not of that form
     */
    public static MacAddress parse(String text) {
        String[] f = text.split("[:-]", -1);
        if (f.length != BYTES) {
            throw new IllegalArgumentException("not an Ethernet address (six hex pairs separated by ':'): " + text);
        }
        long v = 0;
        for (String s : f) {
            if (s.length() != 2 || Character.digit(s.charAt(0), 16) < 0 || Character.digit(s.charAt(1), 16) < 0) {
                throw new IllegalArgumentException("not an Ethernet address (six hex pairs separated by ':'): "
                        + text);
            }
            v = v << 8 | Integer.parseInt(s, 16);
        }
        return new MacAddress(v);
    }

    /**
     * The Ethernet address an IPv6 multicast address maps to (RFC 2464 §7): 33:33 followed by the group's last
     * four octets.
     *
     * @param group a multicast address (other addresses are mapped the same way)
     * @return the address
     */
    public static MacAddress ofIpv6Multicast(Ipv6Address group) {
        return new MacAddress(0x3333_0000_0000L | (group.low() & 0xffff_ffffL));
    }

    /**
     * Writes the 6 octets.
     *
     * @param dst the array
     * @param offset where the first octet goes
     * @throws IndexOutOfBoundsException if fewer than 6 octets lie at {@code offset}
     */
    public void writeTo(byte[] dst, int offset) {
        java.util.Objects.checkFromIndexSize(offset, BYTES, dst.length);
        for (int i = 0; i < BYTES; i++) {
            dst[offset + i] = (byte) (bits >>> (40 - 8 * i));
        }
    }

    /** @return the 6 octets, a new array */
    public byte[] toBytes() {
        byte[] b = new byte[BYTES];
        writeTo(b, 0);
        return b;
    }

    /** @return true for a group (multicast or broadcast) address: the I/G bit of the first octet is set */
    public boolean isGroup() {
        return (bits & 0x0100_0000_0000L) != 0;
    }

    /**
     * Tells whether 6 octets of an array hold this address.
     *
     * @param b the array
     * @param offset index of the first octet
     * @return true when they do
     */
    public boolean equalsBytes(byte[] b, int offset) {
        for (int i = 0; i < BYTES; i++) {
            if (b[offset + i] != (byte) (bits >>> (40 - 8 * i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(17);
        for (int i = 0; i < BYTES; i++) {
            if (i > 0) {
                s.append(':');
            }
            s.append(String.format(Locale.ROOT, "%02x", (bits >>> (40 - 8 * i)) & 0xff));
        }
        return s.toString();
    }
}
