package io.mga.wire;

import java.util.List;

/** Shared checks for header records. */
final class Headers {
    private Headers() {
    }

    static List<Ipv6Option> checkOptions(List<Ipv6Option> options) {
        List<Ipv6Option> copy = Check.list("options", options);
        checkUnits(optionsLength(copy), 8, 2048);
        return copy;
    }

    static int optionsLength(List<Ipv6Option> options) {
        int n = 2;
        for (int i = 0, size = options.size(); i < size; i++) {
            n += options.get(i).wireLength();
        }
        return n;
    }

    static void checkUnits(int total, int unit, int max) {
        if (total % unit != 0 || total > max) {
            throw new IllegalArgumentException("header length " + total + " is not a multiple of " + unit
                    + " octets up to " + max);
        }
    }
}
