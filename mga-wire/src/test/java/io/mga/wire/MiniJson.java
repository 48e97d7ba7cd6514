package io.mga.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * A small JSON reader for tests, enough for {@code tshark -T json}. Objects keep their members in document order
 * with duplicate names (tshark repeats a key when a field occurs twice in one subtree); numbers and the literals
 * {@code true} and {@code false} are kept as their text, {@code null} as Java null.
 */
final class MiniJson {

    /**
     * One member of an object.
     *
     * @param name the member name
     * @param value a {@link String}, {@link JsonObject}, {@link JsonArray}, or null
     */
    record Member(String name, Object value) {
    }

    /**
     * A JSON object.
     *
     * @param members its members in document order, duplicates kept
     */
    record JsonObject(List<Member> members) {
        /**
         * The value of the first member with a given name.
         *
         * @param name the name
         * @return the value
         * @throws IllegalArgumentException if there is no such member
         */
        Object get(String name) {
            for (Member m : members) {
                if (m.name().equals(name)) {
                    return m.value();
                }
            }
            throw new IllegalArgumentException("no member " + name);
        }
    }

    /**
     * A JSON array.
     *
     * @param items its elements
     */
    record JsonArray(List<Object> items) {
    }

    private final String s;
    private int i;

    private MiniJson(String s) {
        this.s = s;
    }

    /**
     * Parses one JSON text.
     *
     * @param text the text
     * @return the value, as described on the class
     * @throws IllegalArgumentException if the text is not JSON
     */
    static Object parse(String text) {
        MiniJson p = new MiniJson(text);
        Object v = p.value();
        p.skipSpace();
        if (p.i != text.length()) {
            throw p.error("trailing characters");
        }
        return v;
    }

    /**
     * Lists the string leaves under a value in document order, each named by the member that holds it (elements of
     * an array take the array's name). Object nesting is dropped: tshark's field names are already unique paths.
     *
     * @param value a parsed value
     * @return the leaves as (field name, text) pairs
     */
    static List<Member> leaves(Object value) {
        List<Member> out = new ArrayList<>();
        collect("", value, out);
        return out;
    }

    private static void collect(String name, Object value, List<Member> out) {
        if (value instanceof JsonObject o) {
            for (Member m : o.members()) {
                collect(m.name(), m.value(), out);
            }
        } else if (value instanceof JsonArray a) {
            for (Object item : a.items()) {
                collect(name, item, out);
            }
        } else if (value instanceof String text) {
            out.add(new Member(name, text));
        }
    }

    private Object value() {
        skipSpace();
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        char c = s.charAt(i);
        if (c == '{') {
            return object();
        } else if (c == '[') {
            return array();
        } else if (c == '"') {
            return string();
        }
        int start = i;
        while (i < s.length() && "{}[],: \t\r\n\"".indexOf(s.charAt(i)) < 0) {
            i++;
        }
        String token = s.substring(start, i);
        if (token.isEmpty()) {
            throw error("unexpected '" + c + "'");
        }
        return token.equals("null") ? null : token;
    }

    private JsonObject object() {
        List<Member> members = new ArrayList<>();
        i++; // '{'
        skipSpace();
        if (peek() == '}') {
            i++;
            return new JsonObject(members);
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String name = string();
            skipSpace();
            expect(':');
            members.add(new Member(name, value()));
            skipSpace();
            char c = next();
            if (c == '}') {
                return new JsonObject(members);
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private JsonArray array() {
        List<Object> items = new ArrayList<>();
        i++; // '['
        skipSpace();
        if (peek() == ']') {
            i++;
            return new JsonArray(items);
        }
        while (true) {
            items.add(value());
            skipSpace();
            char c = next();
            if (c == ']') {
                return new JsonArray(items);
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        i++; // opening quote
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw error("short \\u escape");
                    }
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> b.append(e); // \" \\ \/
            }
        }
    }

    private void skipSpace() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private char peek() {
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        return s.charAt(i);
    }

    private char next() {
        char c = peek();
        i++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw error("expected '" + c + "'");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JSON: " + what + " at offset " + i);
    }
}
