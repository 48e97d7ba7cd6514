package io.mga.cli;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The little DNS the demo's service speaks on port 53 (RFC 1035 §4.1), enough for Wireshark to dissect every
 * query and answer: a query with one question, answered with one TXT record (the answering responder's words) or
 * one AAAA record (the anycast address), class IN, TTL 0 (an anycast answer says which responder spoke: not for
 * caching). Anything else in a query (another opcode, several questions, a compressed or over-long name) gets no
 * answer. Every input is bounded: 512 octets, 63-octet labels, a 255-octet name.
 */
final class DemoDns {
    static final int TYPE_AAAA = 28;
    static final int TYPE_TXT = 16;
    private static final int CLASS_IN = 1;
    private static final int MAX_MESSAGE = 512;

    private DemoDns() {
    }

    /** A query as the demo's initiators send it: recursion desired, one question. */
    static Bytes query(int id, String name, int type) {
        ByteBuffer b = ByteBuffer.allocate(MAX_MESSAGE);
        b.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0);
        for (String label : name.split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            b.put((byte) l.length).put(l);
        }
        b.put((byte) 0).putShort((short) type).putShort((short) CLASS_IN);
        return Bytes.of(java.util.Arrays.copyOf(b.array(), b.position()));
    }

    /** A parsed question: the query's ID, its name (labels joined by dots), its type, and where it ends. */
    record Question(int id, int flags, String name, int type, int end) {
    }

    /** Parses a query's header and only question; empty if it is not a plain standard query. */
    static Optional<Question> question(byte[] m) {
        if (m.length < 12 || m.length > MAX_MESSAGE) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(m);
        int id = b.getShort() & 0xffff;
        int flags = b.getShort() & 0xffff;
        int qd = b.getShort() & 0xffff;
        // QR 0 (a query), opcode 0 (QUERY), one question, nothing else
        if ((flags & 0xf800) != 0 || qd != 1 || b.getShort() != 0 || b.getShort() != 0 || b.getShort() != 0) {
            return Optional.empty();
        }
        StringBuilder name = new StringBuilder();
        int total = 0;
        while (true) {
            if (!b.hasRemaining()) {
                return Optional.empty();
            }
            int len = b.get() & 0xff;
            if (len == 0) {
                break;
            }
            total += len + 1;
            // no compression in a question we answer (0xc0 pointers), labels of 63 at most, names of 255
            if (len > 63 || total > 255 || len > b.remaining()) {
                return Optional.empty();
            }
            byte[] l = new byte[len];
            b.get(l);
            name.append(name.length() > 0 ? "." : "").append(new String(l, StandardCharsets.US_ASCII));
        }
        if (b.remaining() < 4) {
            return Optional.empty();
        }
        int type = b.getShort() & 0xffff;
        int cls = b.getShort() & 0xffff;
        if (cls != CLASS_IN) {
            return Optional.empty();
        }
        return Optional.of(new Question(id, flags, name.toString(), type, b.position()));
    }

    /**
     * The answer to a query: its question echoed, one TXT or AAAA record (none for other types), authoritative.
     *
     * @return the answer, or null when the query gets none
     */
    static Bytes answer(byte[] query, String text, Ipv6Address address) {
        Optional<Question> parsed = question(query);
        if (parsed.isEmpty()) {
            return null;
        }
        Question q = parsed.get();
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        int textLength = Math.min(t.length, 255);
        boolean one = q.type() == TYPE_TXT || q.type() == TYPE_AAAA;
        ByteBuffer b = ByteBuffer.allocate(q.end() + 16 + 1 + 255);
        // QR 1, AA 1, RD as asked, RCODE 0
        b.putShort((short) q.id()).putShort((short) (0x8400 | (q.flags() & 0x0100))).putShort((short) 1)
                .putShort((short) (one ? 1 : 0)).putShort((short) 0).putShort((short) 0);
        b.put(query, 12, q.end() - 12);
        if (one) {
            b.putShort((short) 0xc00c).putShort((short) q.type()).putShort((short) CLASS_IN).putInt(0);
            if (q.type() == TYPE_TXT) {
                b.putShort((short) (textLength + 1)).put((byte) textLength).put(t, 0, textLength);
            } else {
                b.putShort((short) 16).putLong(address.high()).putLong(address.low());
            }
        }
        return Bytes.of(java.util.Arrays.copyOf(b.array(), b.position()));
    }

    /** An answer as the demo reads it: the ID and the TXT text (or the AAAA address as text). */
    record Answer(int id, String text) {
    }

    /** Parses an answer made by {@link #answer}; empty if it is not one. */
    static Optional<Answer> read(byte[] m) {
        if (m.length < 12 || m.length > MAX_MESSAGE) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(m);
        int id = b.getShort() & 0xffff;
        int flags = b.getShort() & 0xffff;
        if ((flags & 0x8000) == 0 || (b.getShort() & 0xffff) != 1 || (b.getShort() & 0xffff) != 1) {
            return Optional.empty();
        }
        b.position(12);
        while (b.hasRemaining()) {
            int len = b.get() & 0xff;
            if (len == 0) {
                break;
            }
            if (len > 63 || len > b.remaining()) {
                return Optional.empty();
            }
            b.position(b.position() + len);
        }
        if (b.remaining() < 4 + 12) {
            return Optional.empty();
        }
        b.position(b.position() + 4 + 2);
        int type = b.getShort() & 0xffff;
        b.position(b.position() + 2 + 4);
        int rdlength = b.getShort() & 0xffff;
        if (rdlength > b.remaining()) {
            return Optional.empty();
        }
        if (type == TYPE_TXT && rdlength >= 1) {
            int len = b.get() & 0xff;
            if (len + 1 > rdlength) {
                return Optional.empty();
            }
            byte[] t = new byte[len];
            b.get(t);
            return Optional.of(new Answer(id, new String(t, StandardCharsets.UTF_8)));
        }
        if (type == TYPE_AAAA && rdlength == 16) {
            return Optional.of(new Answer(id, new Ipv6Address(b.getLong(), b.getLong()).toString()));
        }
        return Optional.empty();
    }
}
