package io.mga.store.etcd;

import io.mga.api.Ipv6Address;
import io.mga.api.store.BindingKey;
import io.mga.api.store.ReplayMark;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The key layout under a prefix P: {@code P/bindings/<anycast>/<bid>} (the anycast address in RFC 5952 text, the
 * Binding ID in decimal) and {@code P/marks/<spi>} (8 lowercase hex digits). A mark's value is its timestamp in
 * exactly 16 lowercase hex digits, so that etcd's bytewise value compare is the unsigned numeric compare.
 */
final class Keys {
    /** The longest binding key suffix: 39 characters of address, 1 slash, 5 digits. */
    private static final int MAX_SUFFIX = 45;

    private final String prefix;
    private final String bindings;
    private final String marks;

    Keys(String prefix) {
        this.prefix = prefix;
        this.bindings = prefix + "/bindings/";
        this.marks = prefix + "/marks/";
    }

    String prefix() {
        return prefix;
    }

    /** @return the prefix of every binding key */
    String bindings() {
        return bindings;
    }

    String binding(BindingKey key) {
        return bindings + key.anycast() + "/" + key.bindingId();
    }

    String mark(long spi) {
        return marks + String.format(Locale.ROOT, "%08x", spi);
    }

    /** The mark value: 16 lowercase hex digits. */
    static byte[] markValue(ReplayMark mark) {
        return String.format(Locale.ROOT, "%016x", mark.timestamp()).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Parses a binding key.
     *
     * @param key the whole key
     * @return the key, or null when it is not one this layout makes
     */
    BindingKey parseBinding(String key) {
        if (!key.startsWith(bindings) || key.length() - bindings.length() > MAX_SUFFIX) {
            return null;
        }
        String rest = key.substring(bindings.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1 || rest.length() - slash - 1 > 5) {
            return null;
        }
        try {
            Ipv6Address a = Ipv6Address.parse(rest.substring(0, slash));
            String digits = rest.substring(slash + 1);
            for (int i = 0; i < digits.length(); i++) {
                if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                    return null;
                }
            }
            int bid = Integer.parseInt(digits);
            BindingKey k = bid >>> 16 == 0 ? new BindingKey(a, bid) : null;
            // only the canonical spelling: two spellings of one key would be two bindings
            return k != null && binding(k).equals(key) ? k : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
