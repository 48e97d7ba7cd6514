package io.mga.api;

/** Text parsing (RFC 4291 §2.2) and canonical formatting (RFC 5952) of IPv6 addresses. */
final class Ipv6Text {
    private Ipv6Text() {
    }

    static long[] parse(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            throw bad(s);
        }
        int[] groups = new int[8];
        int n = 0;
        int gap = -1;
        int i = 0;
        int len = s.length();
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (len == 2) {
                return new long[] {0, 0};
            }
        } else if (s.charAt(0) == ':') {
            throw bad(s);
        }
        while (i < len) {
            int start = i;
            int value = 0;
            while (i < len && Character.digit(s.charAt(i), 16) >= 0 && i - start < 5) {
                value = value * 16 + Character.digit(s.charAt(i), 16);
                i++;
            }
            if (i < len && s.charAt(i) == '.') {
                // trailing dotted IPv4 takes the last two groups
                if (n > 6) {
                    throw bad(s);
                }
                int v4 = parseIpv4(s, start);
                groups[n++] = v4 >>> 16;
                groups[n++] = v4 & 0xffff;
                i = len;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4 || n == 8) {
                throw bad(s);
            }
            groups[n++] = value;
            if (i == len) {
                break;
            }
            if (s.charAt(i) != ':') {
                throw bad(s);
            }
            i++;
            if (i < len && s.charAt(i) == ':') {
                if (gap >= 0) {
                    throw bad(s);
                }
                gap = n;
                i++;
                if (i == len) {
                    break;
                }
            } else if (i == len) {
                throw bad(s);
            }
        }
        int[] full = new int[8];
        if (gap >= 0) {
            if (n > 7) {
                throw bad(s);
            }
            System.arraycopy(groups, 0, full, 0, gap);
            System.arraycopy(groups, gap, full, 8 - (n - gap), n - gap);
        } else {
            if (n != 8) {
                throw bad(s);
            }
            System.arraycopy(groups, 0, full, 0, 8);
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | full[g];
            lo = (lo << 16) | full[g + 4];
        }
        return new long[] {hi, lo};
    }

    private static int parseIpv4(String s, int start) {
        String[] parts = s.substring(start).split("\\.", -1);
        if (parts.length != 4) {
            throw bad(s);
        }
        int v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                throw bad(s);
            }
            int octet = 0;
            for (int k = 0; k < p.length(); k++) {
                char c = p.charAt(k);
                if (c < '0' || c > '9') {
                    throw bad(s);
                }
                octet = octet * 10 + (c - '0');
            }
            if (octet > 255) {
                throw bad(s);
            }
            v = (v << 8) | octet;
        }
        return v;
    }

    private static IllegalArgumentException bad(String s) {
        return new IllegalArgumentException("not an IPv6 address: \"" + s + "\"");
    }

    static String format(long hi, long lo) {
        int[] g = new int[8];
        for (int k = 0; k < 4; k++) {
            g[k] = (int) (hi >>> (48 - 16 * k)) & 0xffff;
            g[k + 4] = (int) (lo >>> (48 - 16 * k)) & 0xffff;
        }
        boolean mapped = hi == 0 && (lo >>> 32) == 0xffffL;
        int groups = mapped ? 6 : 8;
        // RFC 5952 §4.2.2/§4.2.3: compress the longest run of >= 2 zero groups, the first one on a tie
        int bestStart = -1;
        int bestLen = 1;
        for (int k = 0; k < groups;) {
            if (g[k] == 0) {
                int e = k;
                while (e < groups && g[e] == 0) {
                    e++;
                }
                if (e - k > bestLen) {
                    bestStart = k;
                    bestLen = e - k;
                }
                k = e;
            } else {
                k++;
            }
        }
        StringBuilder sb = new StringBuilder(39);
        for (int k = 0; k < groups; k++) {
            if (k == bestStart) {
                sb.append("::");
                k += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[k]));
        }
        if (mapped) {
            if (sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            int v4 = (int) lo;
            sb.append((v4 >>> 24) & 0xff).append('.').append((v4 >>> 16) & 0xff).append('.')
                    .append((v4 >>> 8) & 0xff).append('.').append(v4 & 0xff);
        }
        return sb.toString();
    }
}
