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

    static <T> List<T> list(String name, List<T> v) {
        return List.copyOf(Objects.requireNonNull(v, name));
    }

    static void maxLen(String name, io.mga.api.Bytes b, int max) {
        if (b.length() > max) {
            throw new IllegalArgumentException(name + " must be at most " + max + " octets, got " + b.length());
        }
    }
}
