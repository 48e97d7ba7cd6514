package io.mga.wire;

import java.util.List;

/** Shared checks for Mobility Header message records. */
final class Messages {
    private Messages() {
    }

    static List<MobilityOption> check(int fixed, List<MobilityOption> options) {
        List<MobilityOption> copy = Check.list("options", options);
        int n = fixed;
        for (int i = 0, size = copy.size(); i < size; i++) {
            n += copy.get(i).wireLength();
        }
        Headers.checkUnits(n, 8, 2048);
        return copy;
    }
}
