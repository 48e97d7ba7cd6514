package io.mga.api;

import java.util.Arrays;

/**
 * An immutable string of octets with value semantics, used wherever a record carries raw bytes (option data,
 * payloads, unknown headers), so that records compare by content.
 *
 * <p>Thread-safe. Construction copies the input; {@link #toArray()} returns a copy. {@link #toString()} is the
 * lowercase hex text, shortened after 64 octets.
 */
public final class Bytes {

    /** The empty byte string. */
    public static final Bytes EMPTY = new Bytes(new byte[0]);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final byte[] data;

    private Bytes(byte[] data) {
        this.data = data;
    }

    /**
     * Copies an array.
     *
     * @param bytes the octets
     * @return a byte string holding a copy
     */
    public static Bytes of(byte... bytes) {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
    }

    /**
     * Copies a range of an array.
     *
     * @param bytes the source array
     * @param offset index of the first octet
     * @param length number of octets
     * @return a byte string holding a copy of the range
     * @throws IndexOutOfBoundsException if the range lies outside the array
     */
    public static Bytes copyOf(byte[] bytes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /**
     * A byte string of {@code length} zero octets.
     *
     * @param length number of octets, 0 or more
     * @return the zero-filled byte string
     */
    public static Bytes zeros(int length) {
        return length == 0 ? EMPTY : new Bytes(new byte[length]);
    }

    /**
     * Parses hex text (upper or lower case, even length, no separators).
     *
     * @param hex the text, for example {@code "c910"}
     * @return the octets
     * @throws IllegalArgumentException if the text is not an even number of hex digits
     */
    public static Bytes fromHex(String hex) {
        if ((hex.length() & 1) != 0) {
            throw new IllegalArgumentException("hex text must have an even number of digits, got " + hex.length());
        }
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not a hex digit at " + (2 * i) + " in \"" + hex + "\"");
            }
            b[i] = (byte) (hi << 4 | lo);
        }
        return b.length == 0 ? EMPTY : new Bytes(b);
    }

    /** @return the number of octets */
    public int length() {
        return data.length;
    }

    /** @return true when there are no octets */
    public boolean isEmpty() {
        return data.length == 0;
    }

    /**
     * One octet, unsigned.
     *
     * @param index 0 to {@code length() - 1}
     * @return the octet, 0 to 255
     */
    public int get(int index) {
        return data[index] & 0xff;
    }

    /** @return a fresh copy of the octets */
    public byte[] toArray() {
        return data.clone();
    }

    /**
     * Copies the octets into an array.
     *
     * @param dst destination array
     * @param offset index of the first octet written
     * @throws IndexOutOfBoundsException if the octets do not fit
     */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(data, 0, dst, offset, data.length);
    }

    /** @return true when every octet is zero (also for the empty string) */
    public boolean isAllZero() {
        for (byte b : data) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** @return lowercase hex, two digits per octet, no separators */
    public String toHex() {
        char[] c = new char[data.length * 2];
        for (int i = 0; i < data.length; i++) {
            c[2 * i] = HEX[(data[i] >> 4) & 0xf];
            c[2 * i + 1] = HEX[data[i] & 0xf];
        }
        return new String(c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    /** @return hex text, shortened with "..." after 64 octets */
    @Override
    public String toString() {
        if (data.length <= 64) {
            return toHex();
        }
        return copyOf(data, 0, 64).toHex() + "...(" + data.length + " octets)";
    }
}
