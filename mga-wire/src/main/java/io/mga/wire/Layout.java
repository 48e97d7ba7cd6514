package io.mga.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/** The one option-layout algorithm (RFC 8200 §4.2, RFC 6275 §6.2.1), shared by both option families. */
final class Layout {
    private Layout() {
    }

    /**
     * Inserts padding before each option as its alignment needs, and after the last so that the container
     * (which starts 8-octet aligned) ends on an 8-octet boundary.
     */
    static <T> List<T> layOut(List<? extends T> options, int start, ToIntFunction<T> length,
            Function<T, Alignment> alignment, Supplier<T> pad1, IntFunction<T> padN) {
        List<T> out = new ArrayList<>();
        int off = start;
        for (T o : options) {
            off += pad(out, alignment.apply(o).padBefore(off), pad1, padN);
            out.add(o);
            off += length.applyAsInt(o);
        }
        pad(out, Math.floorMod(-off, 8), pad1, padN);
        return List.copyOf(out);
    }

    private static <T> int pad(List<T> out, int n, Supplier<T> pad1, IntFunction<T> padN) {
        if (n == 1) {
            out.add(pad1.get());
        } else if (n > 1) {
            out.add(padN.apply(n));
        }
        return n;
    }
}
