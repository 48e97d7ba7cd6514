package io.mga.wire;

import java.util.List;
import java.util.Objects;

/** Range checks used by the records' compact constructors. */
final class Check {
    private Check() {
    }

    static int u8(String name, int v) {
        return range(name, v, 0xff);
    }

    static int u16(String name, int v) {
        return range(name, v, 0xffff);
    }

    static int range(String name, int v, int max) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(name + " must be 0.." + max + ", got " + v);
        }
        return v;
    }

    static long u32(String name, long v) {
        if (v < 0 || v > 0xffff_ffffL) {
            throw new IllegalArgumentException(name + " must be 0..4294967295, got " + v);
        }
        return v;
    }

    static <T> T nn(String name, T v) {
        return Objects.requireNonNull(v, name);
    }

    /** The JDK's immutable lists of 0 to 2 and of more elements, which {@link List#copyOf} returns as they are. */
    private static final Class<?> LIST12 = List.of(0).getClass();
    private static final Class<?> LISTN = List.of().getClass();

    static <T> List<T> list(String name, List<T> v) {
        Class<?> c = Objects.requireNonNull(v, name).getClass();
        if (c == LIST12 || c == LISTN) {
            // what List.copyOf does for these, without its type checks on the hot path of every record
            return v;
        }
        return List.copyOf(v);
    }

    static void maxLen(String name, io.mga.api.Bytes b, int max) {
        if (b.length() > max) {
            throw new IllegalArgumentException(name + " must be at most " + max + " octets, got " + b.length());
        }
    }
}
