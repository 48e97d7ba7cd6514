package io.mga.engine.persist;

import io.mga.api.Ipv6Address;
import io.mga.engine.AgentState;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The binary form of an {@link AgentState}, version {@value #VERSION}, big-endian:
 *
 * <pre>
 * header   "MGAS" | version u16 | reserved u16 (0) | body length u32
 * body     saved-at i64 (Unix ns)
 *          binding count u32, each: anycast 16 | care-of 16 | Binding ID u16 | weight u16 | load u16 |
 *                                   sequence u16 | expires i64 (Unix ns) | responder length u16 | responder UTF-8
 *          replay mark count u32, each: SPI i64 | timestamp i64 (NTP)
 *          retired count u32, each: anycast 16 | Binding ID u16 | sequence u16 | forget-at i64 (Unix ns) |
 *                                   responder length u16 | responder UTF-8
 * trailer  CRC-32C of header and body, u32
 * </pre>
 *
 * <p>Decoding trusts nothing: the length, the checksum, every count against the octets left, every string as
 * strict UTF-8 of at most {@value #MAX_IDENTITY} octets, and no octet left over; anything else is a {@link
 * CorruptStateException} naming what is wrong. A file is thus read back whole or refused, never half-read.
 */
public final class StateCodec {
    /** The format version this build writes and reads. */
    public static final int VERSION = 1;
    /** The longest responder identity stored, in UTF-8 octets. */
    public static final int MAX_IDENTITY = 1024;
    private static final int MAGIC = 0x4d47_4153; // "MGAS"
    private static final int HEADER = 12;
    private static final int TRAILER = 4;
    private static final int MIN_BINDING = 16 + 16 + 8 + 8 + 2;
    private static final int MARK = 16;
    private static final int MIN_RETIRED = 16 + 4 + 8 + 2;

    private StateCodec() {
    }

    /**
     * @param s the state
     * @return its encoding
     * @throws IllegalArgumentException if an identity is longer than {@value #MAX_IDENTITY} octets
     */
    public static byte[] encode(AgentState s) {
        List<byte[]> names = new ArrayList<>();
        int size = HEADER + 8 + 4 + 4 + 4 + TRAILER + s.replayMarks().size() * MARK;
        for (AgentState.Binding b : s.bindings()) {
            byte[] n = identity(b.responder());
            names.add(n);
            size += MIN_BINDING + n.length;
        }
        for (AgentState.Retired r : s.retired()) {
            byte[] n = identity(r.responder());
            names.add(n);
            size += MIN_RETIRED + n.length;
        }
        ByteBuffer o = ByteBuffer.allocate(size);
        o.putInt(MAGIC).putShort((short) VERSION).putShort((short) 0).putInt(size - HEADER - TRAILER);
        o.putLong(s.savedAtUnixNanos());
        int name = 0;
        o.putInt(s.bindings().size());
        for (AgentState.Binding b : s.bindings()) {
            address(o, b.anycast());
            address(o, b.careOf());
            o.putShort((short) b.bindingId()).putShort((short) b.weight()).putShort((short) b.load())
                    .putShort((short) b.sequence()).putLong(b.expiresAtUnixNanos());
            byte[] n = names.get(name++);
            o.putShort((short) n.length).put(n);
        }
        o.putInt(s.replayMarks().size());
        for (AgentState.ReplayMark m : s.replayMarks()) {
            o.putLong(m.spi()).putLong(m.timestamp());
        }
        o.putInt(s.retired().size());
        for (AgentState.Retired r : s.retired()) {
            address(o, r.anycast());
            o.putShort((short) r.bindingId()).putShort((short) r.sequence()).putLong(r.forgetAtUnixNanos());
            byte[] n = names.get(name++);
            o.putShort((short) n.length).put(n);
        }
        CRC32C crc = new CRC32C();
        crc.update(o.array(), 0, o.position());
        o.putInt((int) crc.getValue());
        return o.array();
    }

    /**
     * @param data an encoding
     * @return the state
     * @throws CorruptStateException if it is not a whole, unchanged state of this version
     */
    public static AgentState decode(byte[] data) throws CorruptStateException {
        if (data.length < HEADER + TRAILER) {
            throw new CorruptStateException("too short to be a state file (" + data.length + " octets)");
        }
        ByteBuffer in = ByteBuffer.wrap(data);
        if (in.getInt() != MAGIC) {
            throw new CorruptStateException("not an mga state file (no MGAS signature)");
        }
        int version = in.getShort() & 0xffff;
        if (version != VERSION) {
            throw new CorruptStateException("format version " + version + ", this build reads version " + VERSION);
        }
        in.getShort();
        long body = in.getInt() & 0xffff_ffffL;
        if (body != data.length - HEADER - TRAILER) {
            throw new CorruptStateException("cut short or extended: the header says " + (body + HEADER + TRAILER)
                    + " octets, the file has " + data.length);
        }
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length - TRAILER);
        if ((int) crc.getValue() != ByteBuffer.wrap(data, data.length - TRAILER, TRAILER).getInt()) {
            throw new CorruptStateException("checksum mismatch: the file was changed or damaged");
        }
        // the checksum held: what follows guards against a file made to pass it
        ByteBuffer b = ByteBuffer.wrap(data, HEADER, (int) body).slice();
        try {
            long savedAt = b.getLong();
            int n = count(b, MIN_BINDING, "bindings");
            List<AgentState.Binding> bindings = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Ipv6Address anycast = address(b);
                Ipv6Address careOf = address(b);
                int bid = b.getShort() & 0xffff;
                int weight = b.getShort() & 0xffff;
                int load = b.getShort() & 0xffff;
                int seq = b.getShort() & 0xffff;
                long expires = b.getLong();
                bindings.add(new AgentState.Binding(anycast, bid, careOf, identity(b), weight, load, seq, expires));
            }
            int m = count(b, MARK, "replay marks");
            List<AgentState.ReplayMark> marks = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                marks.add(new AgentState.ReplayMark(b.getLong(), b.getLong()));
            }
            int r = count(b, MIN_RETIRED, "retired sequence numbers");
            List<AgentState.Retired> retired = new ArrayList<>(r);
            for (int i = 0; i < r; i++) {
                Ipv6Address anycast = address(b);
                int bid = b.getShort() & 0xffff;
                int seq = b.getShort() & 0xffff;
                long forget = b.getLong();
                retired.add(new AgentState.Retired(identity(b), anycast, bid, seq, forget));
            }
            if (b.hasRemaining()) {
                throw new CorruptStateException(b.remaining() + " octets left over after the last entry");
            }
            return new AgentState(savedAt, bindings, marks, retired);
        } catch (BufferUnderflowException e) {
            throw new CorruptStateException("an entry runs past the end of the file");
        }
    }

    private static int count(ByteBuffer b, int min, String what) throws CorruptStateException {
        long n = b.getInt() & 0xffff_ffffL;
        if (n * min > b.remaining()) {
            throw new CorruptStateException(n + " " + what + " cannot fit in the " + b.remaining() + " octets left");
        }
        return (int) n;
    }

    private static byte[] identity(String s) {
        byte[] n = s.getBytes(StandardCharsets.UTF_8);
        if (n.length > MAX_IDENTITY) {
            throw new IllegalArgumentException("a responder identity is at most " + MAX_IDENTITY + " octets");
        }
        return n;
    }

    private static String identity(ByteBuffer b) throws CorruptStateException {
        int len = b.getShort() & 0xffff;
        if (len > MAX_IDENTITY || len > b.remaining()) {
            throw new CorruptStateException("a responder identity of " + len + " octets");
        }
        ByteBuffer n = b.slice().limit(len);
        b.position(b.position() + len);
        try {
            CharBuffer c = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(n);
            return c.toString();
        } catch (CharacterCodingException e) {
            throw new CorruptStateException("a responder identity is not UTF-8");
        }
    }

    private static void address(ByteBuffer o, Ipv6Address a) {
        o.putLong(a.high()).putLong(a.low());
    }

    private static Ipv6Address address(ByteBuffer b) {
        long hi = b.getLong();
        return new Ipv6Address(hi, b.getLong());
    }
}
