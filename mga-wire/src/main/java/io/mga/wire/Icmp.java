package io.mga.wire;

import io.mga.api.Bytes;
import java.util.List;

/** Shared checks for ICMPv6 records. */
final class Icmp {
    private Icmp() {
    }

    static void checkError(int code, long word, Bytes invoking) {
        Check.u8("code", code);
        Check.u32("word", word);
        Check.nn("invoking", invoking);
    }

    static int length(List<NdOption> options) {
        int n = 0;
        for (NdOption o : options) {
            n += o.wireLength();
        }
        return n;
    }
}
