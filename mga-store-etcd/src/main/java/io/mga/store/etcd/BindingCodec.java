package io.mga.store.etcd;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mga.api.Ipv6Address;
import io.mga.api.store.BindingKey;
import io.mga.api.store.StoredBinding;
import java.io.IOException;

/**
 * A binding's value in etcd: a small JSON object, versioned ({@code "v":1}), at most {@link #MAX_BYTES} octets.
 * The key (anycast address, Binding ID) is in the etcd key, not repeated here. Decoding is defensive: anything out of
 * shape is a {@link Malformed} with a short reason, never another exception.
 *
 * <pre>{"v":1,"careOf":"2001:db8::10","responder":"ar1@example.net","weight":100,"load":0,"seq":7,
 *  "lifetimeNanos":60000000000,"expiresAt":1796220000000000000}</pre>
 */
final class BindingCodec {
    /** The largest value written or read. */
    static final int MAX_BYTES = 1024;
    /** The longest responder identity (an NAI, RFC 7542 §2.3 recommends 253 octets at most). */
    static final int MAX_RESPONDER = 253;
    private static final int VERSION = 1;

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(4).maxStringLength(MAX_BYTES).maxNumberLength(24).build())
                    .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** A value that is not a binding. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String why) {
            super(why, null, false, false);
        }
    }

    private BindingCodec() { }

    static byte[] encode(StoredBinding b) {
        if (b.responder().length() > MAX_RESPONDER) {
            throw new IllegalArgumentException("a responder identity is at most " + MAX_RESPONDER + " characters");
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("v", VERSION);
        o.put("careOf", b.careOf().toString());
        o.put("responder", b.responder());
        o.put("weight", b.weight());
        o.put("load", b.load());
        o.put("seq", b.sequence());
        o.put("lifetimeNanos", b.lifetimeNanos());
        o.put("expiresAt", b.expiresAtUnixNanos());
        try {
            byte[] out = JSON.writeValueAsBytes(o);
            if (out.length > MAX_BYTES) {
                throw new IllegalArgumentException("a binding's value is at most " + MAX_BYTES + " octets");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("encoding a tree of strings and numbers", e);
        }
    }

    static StoredBinding decode(BindingKey key, byte[] value) throws Malformed {
        if (value.length > MAX_BYTES) {
            throw new Malformed("got " + value.length + " octets, at most " + MAX_BYTES);
        }
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (IOException | RuntimeException e) {
            throw new Malformed("not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new Malformed("not a JSON object");
        }
        long v = number(n, "v", 0, Integer.MAX_VALUE);
        if (v != VERSION) {
            throw new Malformed("version " + v + ", this store reads " + VERSION);
        }
        Ipv6Address careOf;
        try {
            careOf = Ipv6Address.parse(text(n, "careOf", 45));
        } catch (IllegalArgumentException e) {
            throw new Malformed("careOf is not an IPv6 address");
        }
        String responder = text(n, "responder", MAX_RESPONDER);
        int weight = (int) number(n, "weight", 0, 0xffff);
        int load = (int) number(n, "load", 0, 0xffff);
        int seq = (int) number(n, "seq", 0, 0xffff);
        long lifetime = number(n, "lifetimeNanos", 1, Long.MAX_VALUE);
        long expiresAt = number(n, "expiresAt", Long.MIN_VALUE, Long.MAX_VALUE);
        return new StoredBinding(key, careOf, responder, weight, load, seq, lifetime, expiresAt);
    }

    private static long number(JsonNode n, String field, long min, long max) throws Malformed {
        JsonNode x = n.get(field);
        if (x == null || !x.isIntegralNumber() || !x.canConvertToLong()) {
            throw new Malformed(field + " is not an integer");
        }
        long v = x.longValue();
        if (v < min || v > max) {
            throw new Malformed(field + " out of range");
        }
        return v;
    }

    private static String text(JsonNode n, String field, int max) throws Malformed {
        JsonNode x = n.get(field);
        if (x == null || !x.isTextual() || x.textValue().length() > max) {
            throw new Malformed(field + " is not a string of at most " + max + " characters");
        }
        return x.textValue();
    }
}
