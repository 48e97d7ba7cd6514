package io.mga.wire;

import java.util.function.BiFunction;

/** An immutable table from 8-bit codes to named values; unassigned codes get an "unassigned_N" value. */
final class NumberTable<T> {
    private final Object[] byCode = new Object[256];

    NumberTable(BiFunction<Integer, String, T> factory, Object... codeNamePairs) {
        for (int i = 0; i < codeNamePairs.length; i += 2) {
            int code = (Integer) codeNamePairs[i];
            byCode[code] = factory.apply(code, (String) codeNamePairs[i + 1]);
        }
        for (int c = 0; c < 256; c++) {
            if (byCode[c] == null) {
                byCode[c] = factory.apply(c, "unassigned_" + c);
            }
        }
    }

    @SuppressWarnings("unchecked")
    T get(int code) {
        return (T) byCode[code & 0xff];
    }
}
