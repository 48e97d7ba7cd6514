package io.mga.engine;

import java.util.Arrays;

/**
 * An agent's binding cache as flat arrays: no object per binding, no allocation on lookup, a bounded size.
 *
 * <p>Each binding lives in a <em>slot</em>, an {@code int} from 0 up to the bound. Its anycast and care-of
 * addresses sit side by side in one {@code long[]} row of four (32 octets: half a cache line), its other fields in
 * parallel {@code int[]} and {@code long[]} columns. The bindings of one anycast address form a chain ordered by
 * Binding ID; an open-addressing index (linear probing, at most half full) maps the anycast address, as two
 * {@code long}s, to the chain's first slot. Each index entry is one {@code long}: 32 bits of the key's hash, to skip
 * most mismatches without reading the row, and the slot. The hash is multiplicative (two multiplications), the
 * position its top bits. A lookup therefore reads the index entry and one row.
 *
 * <p>A slot's <em>generation</em> changes whenever it is freed or handed to another responder, so that something
 * remembered about a binding (a session pin) can be checked in O(1) instead of being hunted down on removal.
 *
 * <p>Memory: 32 octets of row, 28 of columns and 8 to 16 of index per binding, plus the agent's timer (20); the
 * arrays double as bindings arrive, up to the bound. Not thread-safe: it belongs to the agent's thread.
 */
public final class BindingCache {
    /** No slot: returned by lookups that find nothing and by inserts refused for lack of room. */
    public static final int NONE = -1;

    private static final int ROW = 4;
    /**
     * Rows start 48 octets into the array's data, 64 octets from the array's start: large arrays (G1 humongous
     * objects) start on a region boundary, so every 32-octet row then lies within one 64-octet cache line.
     */
    private static final int ROW_BASE = 6;

    private final int maxBindings;
    private final int maxPerAnycast;
    private long[] rows = new long[ROW_BASE];
    private int[] next = new int[0];
    private int[] generation = new int[0];
    private int[] owner = new int[0];
    private int[] bidWeight = new int[0];
    private int[] loadSequence = new int[0];
    private long[] expires = new long[0];
    private byte[] flags = new byte[0];
    private int[] free = new int[0];
    private int freeCount;
    private int top;
    private int size;
    private int groups;
    private long[] index = new long[16];
    private int mask = 15;
    private int shift = 60;

    /**
     * Creates an empty cache.
     *
     * @param maxBindings the most bindings it holds, all anycast addresses together, 1 or more
     * @param maxPerAnycast the most bindings of one anycast address, 1 or more
     * @throws IllegalArgumentException if a bound is below 1
     */
    public BindingCache(int maxBindings, int maxPerAnycast) {
        if (maxBindings < 1 || maxPerAnycast < 1) {
            throw new IllegalArgumentException("bounds must be at least 1");
        }
        this.maxBindings = maxBindings;
        this.maxPerAnycast = maxPerAnycast;
    }

    /** @return the most bindings this cache holds */
    public int maxBindings() {
        return maxBindings;
    }

    /** @return the most bindings one anycast address may have */
    public int maxPerAnycast() {
        return maxPerAnycast;
    }

    /** @return the number of live bindings */
    public int size() {
        return size;
    }

    /** @return the number of anycast addresses with at least one binding */
    public int anycastCount() {
        return groups;
    }

    /** @return one more than the highest slot ever used (slots below it may be free) */
    public int slotLimit() {
        return top;
    }

    /** A well-mixed hash of an address, for other tables (the pin table) that take bits from anywhere. */
    static long hash(long high, long low) {
        return Policies.mix(high * 0x9e37_79b9_7f4a_7c15L ^ low);
    }

    /**
     * The index's hash: multiplicative (Fibonacci) hashing, two multiplications. The index position is taken from
     * the top bits, where a product mixes best, the tag from the bottom 32.
     */
    private static long indexHash(long high, long low) {
        return (high * 0x9e37_79b9_7f4a_7c15L + low) * 0xc2b2_ae3d_27d4_eb4fL;
    }

    /**
     * The first binding (lowest Binding ID) of an anycast address.
     *
     * @param high the first 64 bits of the anycast address
     * @param low the last 64 bits
     * @return its slot, or {@link #NONE}
     */
    public int find(long high, long low) {
        long h = indexHash(high, low);
        int tag = (int) h;
        long[] idx = index;
        int m = mask;
        for (int i = (int) (h >>> shift);; i = (i + 1) & m) {
            long e = idx[i];
            if (e == 0) {
                return NONE;
            }
            if ((int) (e >>> 32) == tag) {
                int s = (int) e - 1;
                if (rows[ROW_BASE + s * ROW] == high && rows[ROW_BASE + s * ROW + 1] == low) {
                    return s;
                }
            }
        }
    }

    /**
     * The binding of an anycast address with a given Binding ID.
     *
     * @param high the first 64 bits of the anycast address
     * @param low the last 64 bits
     * @param bindingId the Binding ID
     * @return its slot, or {@link #NONE}
     */
    public int find(long high, long low, int bindingId) {
        for (int s = find(high, low); s != NONE; s = next[s]) {
            if (bindingId(s) == bindingId) {
                return s;
            }
        }
        return NONE;
    }

    /**
     * The next binding of the same anycast address, by Binding ID.
     *
     * @param slot a live binding
     * @return the next one's slot, or {@link #NONE}
     */
    public int next(int slot) {
        return next[slot];
    }

    /**
     * @param slot a slot below {@link #slotLimit()}
     * @return true if it holds a live binding
     */
    public boolean isLive(int slot) {
        return owner[slot] >= 0;
    }

    /**
     * @param slot a slot below {@link #slotLimit()}
     * @return its generation, which changes when the slot is freed or changes owner
     */
    public int generation(int slot) {
        return generation[slot];
    }

    /**
     * @param slot a live binding
     * @return the first 64 bits of its anycast address
     */
    public long anycastHigh(int slot) {
        return rows[ROW_BASE + slot * ROW];
    }

    /**
     * @param slot a live binding
     * @return the last 64 bits of its anycast address
     */
    public long anycastLow(int slot) {
        return rows[ROW_BASE + slot * ROW + 1];
    }

    /**
     * @param slot a live binding
     * @return the first 64 bits of its care-of (peer unicast) address
     */
    public long careOfHigh(int slot) {
        return rows[ROW_BASE + slot * ROW + 2];
    }

    /**
     * @param slot a live binding
     * @return the last 64 bits of its care-of address
     */
    public long careOfLow(int slot) {
        return rows[ROW_BASE + slot * ROW + 3];
    }

    /**
     * @param slot a live binding
     * @return its Binding ID, 0 to 65535
     */
    public int bindingId(int slot) {
        return bidWeight[slot] >>> 16;
    }

    /**
     * @param slot a live binding
     * @return its advertised weight, 0 to 65535
     */
    public int weight(int slot) {
        return bidWeight[slot] & 0xffff;
    }

    /**
     * @param slot a live binding
     * @return its advertised load, 0 to 65535
     */
    public int load(int slot) {
        return loadSequence[slot] >>> 16;
    }

    /**
     * @param slot a live binding
     * @return the sequence number of the last Binding Update accepted for it, 0 to 65535
     */
    public int sequence(int slot) {
        return loadSequence[slot] & 0xffff;
    }

    /**
     * @param slot a live binding
     * @return its owner, the number the caller gave (a responder's index)
     */
    public int owner(int slot) {
        return owner[slot];
    }

    /**
     * @param slot a live binding
     * @return when it lapses, in nanoseconds on the owner's clock
     */
    public long expiresAt(int slot) {
        return expires[slot];
    }

    /**
     * @param slot a live binding
     * @return the caller's flag bits, 0 to 255
     */
    public int flags(int slot) {
        return flags[slot] & 0xff;
    }

    /**
     * Sets the fields a Binding Update refreshes.
     *
     * @param slot a live binding
     * @param careOfHigh first 64 bits of the care-of address
     * @param careOfLow last 64 bits of the care-of address
     * @param sequence the accepted sequence number, 0 to 65535
     * @param weight weight, 0 to 65535
     * @param load load, 0 to 65535
     * @param expiresAt when it lapses, in nanoseconds
     */
    public void update(int slot, long careOfHigh, long careOfLow, int sequence, int weight, int load, long expiresAt) {
        rows[ROW_BASE + slot * ROW + 2] = careOfHigh;
        rows[ROW_BASE + slot * ROW + 3] = careOfLow;
        bidWeight[slot] = (bidWeight[slot] & 0xffff_0000) | (weight & 0xffff);
        loadSequence[slot] = (load & 0xffff) << 16 | (sequence & 0xffff);
        expires[slot] = expiresAt;
    }

    /**
     * Hands a binding to another owner; its generation changes.
     *
     * @param slot a live binding
     * @param newOwner the new owner, 0 or more
     */
    public void setOwner(int slot, int newOwner) {
        if (newOwner < 0) {
            throw new IllegalArgumentException("owners are not negative");
        }
        if (owner[slot] != newOwner) {
            owner[slot] = newOwner;
            generation[slot]++;
        }
    }

    /**
     * Sets the caller's flag bits.
     *
     * @param slot a live binding
     * @param value 0 to 255
     */
    public void setFlags(int slot, int value) {
        flags[slot] = (byte) value;
    }

    /**
     * Counts the bindings of an anycast address.
     *
     * @param head its first binding, or {@link #NONE}
     * @return how many (at most {@link #maxPerAnycast()})
     */
    public int chainLength(int head) {
        int n = 0;
        for (int s = head; s != NONE; s = next[s]) {
            n++;
        }
        return n;
    }

    /**
     * Adds a binding, in Binding ID order among those of its anycast address. The caller has checked that no
     * binding with this anycast address and Binding ID exists.
     *
     * @param high the first 64 bits of the anycast address
     * @param low the last 64 bits
     * @param bindingId the Binding ID, 0 to 65535
     * @param newOwner its owner, 0 or more
     * @return its slot, or {@link #NONE} when the cache or the anycast address is full
     */
    public int insert(long high, long low, int bindingId, int newOwner) {
        if (size >= maxBindings || newOwner < 0) {
            return NONE;
        }
        int head = find(high, low);
        if (head != NONE && chainLength(head) >= maxPerAnycast) {
            return NONE;
        }
        int s = allocate();
        rows[ROW_BASE + s * ROW] = high;
        rows[ROW_BASE + s * ROW + 1] = low;
        rows[ROW_BASE + s * ROW + 2] = 0;
        rows[ROW_BASE + s * ROW + 3] = 0;
        bidWeight[s] = (bindingId & 0xffff) << 16 | 1;
        loadSequence[s] = 0;
        expires[s] = 0;
        flags[s] = 0;
        owner[s] = newOwner;
        size++;
        if (head == NONE) {
            next[s] = NONE;
            groups++;
            indexPut(high, low, s);
        } else if (bindingId < bindingId(head)) {
            next[s] = head;
            indexReplace(high, low, s);
        } else {
            int p = head;
            while (next[p] != NONE && bindingId(next[p]) < bindingId) {
                p = next[p];
            }
            next[s] = next[p];
            next[p] = s;
        }
        return s;
    }

    /**
     * Removes a binding; its slot is freed and its generation changes.
     *
     * @param slot a live binding
     */
    public void remove(int slot) {
        long high = anycastHigh(slot);
        long low = anycastLow(slot);
        int head = find(high, low);
        if (head == slot) {
            if (next[slot] == NONE) {
                indexRemove(high, low);
                groups--;
            } else {
                indexReplace(high, low, next[slot]);
            }
        } else {
            int p = head;
            while (next[p] != slot) {
                p = next[p];
            }
            next[p] = next[slot];
        }
        owner[slot] = NONE;
        next[slot] = NONE;
        generation[slot]++;
        size--;
        free[freeCount++] = slot;
    }

    private int allocate() {
        if (freeCount > 0) {
            return free[--freeCount];
        }
        if (top == owner.length) {
            grow();
        }
        return top++;
    }

    private void grow() {
        int cap = (int) Math.min(maxBindings, Math.max(16L, owner.length * 2L));
        rows = Arrays.copyOf(rows, ROW_BASE + cap * ROW);
        next = Arrays.copyOf(next, cap);
        generation = Arrays.copyOf(generation, cap);
        int old = owner.length;
        owner = Arrays.copyOf(owner, cap);
        Arrays.fill(owner, old, cap, NONE);
        bidWeight = Arrays.copyOf(bidWeight, cap);
        loadSequence = Arrays.copyOf(loadSequence, cap);
        expires = Arrays.copyOf(expires, cap);
        flags = Arrays.copyOf(flags, cap);
        free = Arrays.copyOf(free, cap);
    }

    // ---------------------------------------------------------------- index: anycast address -> first slot

    private void indexPut(long high, long low, int slot) {
        if (groups * 2L > index.length) {
            rehash(index.length * 2);
        }
        long h = indexHash(high, low);
        int i = (int) (h >>> shift);
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = h << 32 | (slot + 1L);
    }

    private int indexPosition(long high, long low) {
        long h = indexHash(high, low);
        int tag = (int) h;
        for (int i = (int) (h >>> shift);; i = (i + 1) & mask) {
            long e = index[i];
            if (e == 0) {
                return NONE;
            }
            int s = (int) e - 1;
            if ((int) (e >>> 32) == tag && rows[ROW_BASE + s * ROW] == high
                    && rows[ROW_BASE + s * ROW + 1] == low) {
                return i;
            }
        }
    }

    private void indexReplace(long high, long low, int slot) {
        int i = indexPosition(high, low);
        index[i] = (index[i] & 0xffff_ffff_0000_0000L) | (slot + 1L);
    }

    /** Removes an entry and shifts the entries after it back (linear probing without tombstones). */
    private void indexRemove(long high, long low) {
        int i = indexPosition(high, low);
        index[i] = 0;
        for (int j = (i + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
            int s = (int) index[j] - 1;
            int home = (int) (indexHash(rows[ROW_BASE + s * ROW], rows[ROW_BASE + s * ROW + 1]) >>> shift);
            // the entry at j may fill the hole at i if its home is not in (i, j], cyclically
            boolean between = i <= j ? home > i && home <= j : home > i || home <= j;
            if (!between) {
                index[i] = index[j];
                index[j] = 0;
                i = j;
            }
        }
    }

    private void rehash(int capacity) {
        long[] old = index;
        index = new long[capacity];
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
        for (long e : old) {
            if (e != 0) {
                int s = (int) e - 1;
                int i = (int) (indexHash(rows[ROW_BASE + s * ROW], rows[ROW_BASE + s * ROW + 1]) >>> shift);
                while (index[i] != 0) {
                    i = (i + 1) & mask;
                }
                index[i] = e;
            }
        }
    }
}
