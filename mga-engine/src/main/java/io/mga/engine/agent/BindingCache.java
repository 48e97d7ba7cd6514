package io.mga.engine.agent;

import io.mga.engine.hash.KeyedHash;
import java.util.Arrays;

/**
 * An agent's binding cache as flat arrays: no object per binding, no allocation on lookup, a bounded size.
 *
 * <p>The anycast and care-of addresses of every binding sit side by side in one row of four {@code long}s (32
 * octets, within one cache line in large tables) of an open-addressing table with linear probing, found by hashing
 * the anycast address (keyed with a per-cache secret, then mixed); the table is kept between 40% and 60% full
 * (short probe runs: the data path's cost is mostly their length) and shifts entries back on removal (no tombstones). The row <em>is</em> the index entry, so the
 * forwarding question (which care-of address for this anycast address?) reads one row, plus a parallel {@code int}
 * of flags whose address does not depend on it: one memory round trip, not two.
 *
 * <p>Each binding also has a stable <em>slot</em>, an {@code int} from 0 up to the bound, which indexes its other
 * fields (Binding ID, weight, load, owner, sequence number, expiry) and which timers and pins refer to; rows move
 * when the table grows or shifts, slots do not. The bindings of one anycast address share a probe run and form a
 * chain of slots ordered by Binding ID; the first one's row is flagged as the head. A slot's <em>generation</em>
 * changes whenever it is freed or handed to another owner, so that something remembered about a binding (a session
 * pin) can be checked in O(1) instead of being hunted down on removal.
 *
 * <p>Memory: 36 octets per table row at 40-60% load (60-90 per binding), 37 per slot, plus the agent's timer
 * (20). The address {@code ::} cannot be stored (it marks empty rows). Not thread-safe: it belongs to the agent's
 * thread.
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
    private static final int SLOT_MASK = (1 << 29) - 1;
    private static final int HEAD = 1 << 30;
    private static final int MORE = 1 << 29;
    /** Flag of a row whose binding carried traffic since its slot was last taken by {@link #pollUsed}. */
    private static final int USED = 1 << 31;

    private final int maxBindings;
    private final int maxPerAnycast;
    private final long lowKey;
    private final long highKey;
    // the table: rows of (anycast high, anycast low, care-of high, care-of low) and, in parallel, slot | flags
    private long[] table = new long[ROW_BASE + 8 * ROW];
    private int[] meta = new int[8];
    private int capacity = 8;
    private int layout;
    // per slot
    private int[] position = new int[0];
    private int[] next = new int[0];
    private int[] generation = new int[0];
    private int[] owner = new int[0];
    private int[] bidWeight = new int[0];
    private int[] loadSequence = new int[0];
    private long[] expires = new long[0];
    private byte[] flags = new byte[0];
    private int[] free = new int[0];
    private int freeCount;
    // the slots marked USED, in the order of their first packet: a ring as long as the slot columns
    private boolean trackUse;
    private int[] used = new int[0];
    private int usedHead;
    private int usedCount;
    private int top;
    private int size;
    private int groups;

    /**
     * Creates an empty cache whose hash is keyed with a random secret (from {@link java.security.SecureRandom}), so
     * that nobody can choose anycast addresses that pile up in one probe run.
     *
     * @param maxBindings the most bindings it holds, all anycast addresses together, 1 to 2<sup>27</sup>
     * @param maxPerAnycast the most bindings of one anycast address, 1 or more
     * @throws IllegalArgumentException if a bound is out of range
     */
    public BindingCache(int maxBindings, int maxPerAnycast) {
        this(maxBindings, maxPerAnycast, new java.security.SecureRandom().nextLong());
    }

    /**
     * Creates an empty cache with a given hash key (for reproducible layouts in tests; a key an attacker can learn
     * lets them choose colliding addresses).
     *
     * @param maxBindings the most bindings it holds, all anycast addresses together, 1 to 2<sup>27</sup>
     * @param maxPerAnycast the most bindings of one anycast address, 1 or more
     * @param hashKey the key mixed into every hash
     * @throws IllegalArgumentException if a bound is out of range
     */
    public BindingCache(int maxBindings, int maxPerAnycast, long hashKey) {
        // 2^27 keeps the table (at most 2.5 rows per binding) within a Java array
        if (maxBindings < 1 || maxBindings > 1 << 27 || maxPerAnycast < 1) {
            throw new IllegalArgumentException("maxBindings must be 1..2^27 and maxPerAnycast at least 1");
        }
        this.maxBindings = maxBindings;
        this.maxPerAnycast = maxPerAnycast;
        this.lowKey = KeyedHash.mix(hashKey);
        this.highKey = KeyedHash.mix(hashKey + KeyedHash.GOLDEN);
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

    /**
     * A row's home: the address's halves, each masked with a secret, multiplied into a 128-bit product whose
     * halves are folded together ({@link KeyedHash#fold}), folded once more with a constant (without it, a factor
     * near zero would pass the other through unmixed), and the top 32 bits scaled to the table (no power of two
     * needed). Two multiplications deep, where the SplitMix64 finaliser over a folded address is four: the hash is
     * on the data path's critical path, ahead of the row's load.
     */
    private int home(long high, long low, int cap) {
        long h = KeyedHash.fold(KeyedHash.fold(low ^ lowKey, high ^ highKey), KeyedHash.GOLDEN);
        return (int) (((h >>> 32) * cap) >>> 32);
    }

    /**
     * The data path's lookup: the table row of an anycast address's first binding (lowest Binding ID). Read what
     * the forwarding needs from the row with {@link #careOfHighAt}, {@link #careOfLowAt}, {@link #hasMoreAt} and
     * {@link #slotAt}; a row is valid until the cache is next changed.
     *
     * @param high the first 64 bits of the anycast address
     * @param low the last 64 bits
     * @return the row, or {@link #NONE}
     */
    public int findRow(long high, long low) {
        return findRowFrom(home(high, low, capacity), high, low);
    }

    /**
     * {@link #findRow} for a caller that already has the address's home row from {@link #homeRow} (the agent's burst
     * path computes it once, ahead).
     *
     * @param home {@link #homeRow}{@code (high, low)}, taken while {@link #layout} had its present value (any other
     *     row of the table gives a wrong {@link #NONE} at worst, never another address's row)
     * @param high the first 64 bits of the anycast address
     * @param low the last 64 bits
     * @return the row, or {@link #NONE}
     * @throws IndexOutOfBoundsException if {@code home} is not a row of the table
     */
    public int findRowFrom(int home, long high, long low) {
        long[] t = table;
        int[] m = meta;
        int cap = capacity;
        for (int p = java.util.Objects.checkIndex(home, cap);; p = p + 1 == cap ? 0 : p + 1) {
            int r = ROW_BASE + p * ROW;
            long h = t[r];
            long l = t[r + 1];
            if (h == high && l == low && (m[p] & HEAD) != 0) {
                return p;
            }
            if (h == 0 && l == 0) {
                return NONE;
            }
        }
    }

    /**
     * The row where the search for an anycast address starts: a function of the address, the hash key and the
     * table's size, so valid while {@link #layout} keeps its value.
     *
     * @param high the first 64 bits of the anycast address
     * @param low the last 64 bits
     * @return a row, 0 to the table's size - 1
     */
    public int homeRow(long high, long low) {
        return home(high, low, capacity);
    }

    /**
     * @return the number of rows of the table (36 octets each: {@value #ROW} {@code long}s and an {@code int} of
     *     flags), which it keeps between 40% and 60% full
     */
    public int tableRows() {
        return capacity;
    }

    /**
     * The table's layout generation: it changes whenever the table is resized, which moves every home row.
     *
     * @return the generation, which only ever changes by a resize
     */
    public int layout() {
        return layout;
    }

    /**
     * Reads a row (and its flags) and nothing more, so that a {@link #findRowFrom} soon after finds them in the
     * CPU's cache: the agent's burst path touches the home row of every packet of a burst before it forwards the
     * first, so that the table's cache misses overlap instead of queueing one behind the other. Changes nothing.
     *
     * @param row a row from {@link #homeRow}
     * @return a value made of what was read, meaningless but for keeping the reads from being optimised away
     * @throws IndexOutOfBoundsException if {@code row} is not a row of the table
     */
    public long touchRow(int row) {
        return table[ROW_BASE + row * ROW] + meta[row];
    }

    /**
     * @param row a row from {@link #findRow}
     * @return the first 64 bits of that binding's care-of address
     */
    public long careOfHighAt(int row) {
        return table[ROW_BASE + row * ROW + 2];
    }

    /**
     * @param row a row from {@link #findRow}
     * @return the last 64 bits of that binding's care-of address
     */
    public long careOfLowAt(int row) {
        return table[ROW_BASE + row * ROW + 3];
    }

    /**
     * @param row a row from {@link #findRow}
     * @return true if the anycast address has more than this one binding
     */
    public boolean hasMoreAt(int row) {
        return (meta[row] & MORE) != 0;
    }

    /**
     * @param row a row from {@link #findRow}
     * @return that binding's slot
     */
    public int slotAt(int row) {
        return meta[row] & SLOT_MASK;
    }

    /**
     * The first binding (lowest Binding ID) of an anycast address.
     *
     * @param high the first 64 bits of the anycast address
     * @param low the last 64 bits
     * @return its slot, or {@link #NONE}
     */
    public int find(long high, long low) {
        int p = findRow(high, low);
        return p == NONE ? NONE : meta[p] & SLOT_MASK;
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
     * Turns on the record of which bindings carry traffic ({@link #markUsedAt}, {@link #pollUsed}): the agent's
     * liveness probes need it; off, marking costs a branch.
     */
    public void trackUse() {
        if (!trackUse) {
            trackUse = true;
            used = new int[owner.length];
        }
    }

    /**
     * The forwarding path's mark: the binding in this row carried a packet. Its first mark since the slot was last
     * polled queues the slot for {@link #pollUsed}; later ones only read the row's flags, which the lookup has
     * just read. Allocation-free. A mark that finds the queue full is not taken (the next packet tries again).
     *
     * @param row a row from {@link #findRow}
     */
    public void markUsedAt(int row) {
        if (trackUse) {
            int m = meta[row];
            if (m >= 0) {
                queueUsed(row, m);
            }
        }
    }

    /**
     * {@link #markUsedAt} for a binding known by its slot (the Advanced Model's choice among several).
     *
     * @param slot a live slot
     */
    public void markUsed(int slot) {
        markUsedAt(position[slot]);
    }

    private void queueUsed(int row, int m) {
        int[] q = used;
        if (usedCount == q.length) {
            return;
        }
        meta[row] = m | USED;
        int i = usedHead + usedCount++;
        q[i >= q.length ? i - q.length : i] = m & SLOT_MASK;
    }

    /** @return how many slots {@link #pollUsed} has queued (a slot freed meanwhile included) */
    public int usedCount() {
        return usedCount;
    }

    /**
     * Takes the oldest slot marked used and clears its mark, so that its next packet queues it again. The slot may
     * have been freed, or handed to another binding, since: check {@link #isLive}.
     *
     * @return the slot, or {@link #NONE} when none is queued
     */
    public int pollUsed() {
        if (usedCount == 0) {
            return NONE;
        }
        int s = used[usedHead];
        usedHead = usedHead + 1 == used.length ? 0 : usedHead + 1;
        usedCount--;
        if (isLive(s)) {
            meta[position[s]] &= ~USED;
        }
        return s;
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
        return table[ROW_BASE + position[slot] * ROW];
    }

    /**
     * @param slot a live binding
     * @return the last 64 bits of its anycast address
     */
    public long anycastLow(int slot) {
        return table[ROW_BASE + position[slot] * ROW + 1];
    }

    /**
     * @param slot a live binding
     * @return the first 64 bits of its care-of (peer unicast) address
     */
    public long careOfHigh(int slot) {
        return table[ROW_BASE + position[slot] * ROW + 2];
    }

    /**
     * @param slot a live binding
     * @return the last 64 bits of its care-of address
     */
    public long careOfLow(int slot) {
        return table[ROW_BASE + position[slot] * ROW + 3];
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
        int r = ROW_BASE + position[slot] * ROW;
        table[r + 2] = careOfHigh;
        table[r + 3] = careOfLow;
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
     * @param high the first 64 bits of the anycast address, not both halves 0
     * @param low the last 64 bits
     * @param bindingId the Binding ID, 0 to 65535
     * @param newOwner its owner, 0 or more
     * @return its slot, or {@link #NONE} when the cache or the anycast address is full
     * @throws IllegalArgumentException for the address {@code ::}
     */
    public int insert(long high, long low, int bindingId, int newOwner) {
        if (high == 0 && low == 0) {
            throw new IllegalArgumentException(":: is not an anycast address");
        }
        if (size >= maxBindings || newOwner < 0) {
            return NONE;
        }
        int head = find(high, low);
        if (head != NONE && chainLength(head) >= maxPerAnycast) {
            return NONE;
        }
        int s = allocate();
        if ((size + 1) * 5L > capacity * 3L) {
            resize((int) Math.min(Integer.MAX_VALUE / ROW - ROW_BASE, (size + 1) * 5L / 2));
        }
        bidWeight[s] = (bindingId & 0xffff) << 16 | 1;
        loadSequence[s] = 0;
        expires[s] = 0;
        flags[s] = 0;
        owner[s] = newOwner;
        size++;
        int p = place(high, low, s);
        if (head == NONE) {
            next[s] = NONE;
            groups++;
            meta[p] |= HEAD;
        } else if (bindingId < bindingId(head)) {
            next[s] = head;
            meta[position[head]] &= ~(HEAD | MORE);
            meta[p] |= HEAD | MORE;
        } else {
            int q = head;
            while (next[q] != NONE && bindingId(next[q]) < bindingId) {
                q = next[q];
            }
            next[s] = next[q];
            next[q] = s;
            meta[position[head]] |= MORE;
        }
        return s;
    }

    /**
     * Removes a binding; its slot is freed and its generation changes.
     *
     * @param slot a live binding
     */
    public void remove(int slot) {
        int head = find(anycastHigh(slot), anycastLow(slot));
        if (head == slot) {
            int n = next[slot];
            if (n == NONE) {
                groups--;
            } else {
                meta[position[n]] |= HEAD | (next[n] != NONE ? MORE : 0);
            }
        } else {
            int q = head;
            while (next[q] != slot) {
                q = next[q];
            }
            next[q] = next[slot];
            if (next[head] == NONE) {
                meta[position[head]] &= ~MORE;
            }
        }
        erase(position[slot]);
        owner[slot] = NONE;
        next[slot] = NONE;
        position[slot] = NONE;
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

    /** Per-slot columns grow by half (less slack than doubling), up to the bound. */
    private void grow() {
        int cap = (int) Math.min(maxBindings, Math.max(16L, owner.length * 3L / 2));
        if (trackUse) {
            int[] q = new int[cap];
            for (int k = 0; k < usedCount; k++) {
                q[k] = used[(usedHead + k) % used.length];
            }
            used = q;
            usedHead = 0;
        }
        position = Arrays.copyOf(position, cap);
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

    // ---------------------------------------------------------------- the table

    /** Puts a row for slot {@code s} at the end of its key's probe run; returns the row. */
    private int place(long high, long low, int s) {
        int p = home(high, low, capacity);
        while (table[ROW_BASE + p * ROW] != 0 || table[ROW_BASE + p * ROW + 1] != 0) {
            p = p + 1 == capacity ? 0 : p + 1;
        }
        int r = ROW_BASE + p * ROW;
        table[r] = high;
        table[r + 1] = low;
        table[r + 2] = 0;
        table[r + 3] = 0;
        meta[p] = s;
        position[s] = p;
        return p;
    }

    /** Empties row {@code i} and shifts the rows after it back (linear probing without tombstones). */
    private void erase(int i) {
        int cap = capacity;
        clear(i);
        for (int j = i + 1 == cap ? 0 : i + 1;; j = j + 1 == cap ? 0 : j + 1) {
            int r = ROW_BASE + j * ROW;
            if (table[r] == 0 && table[r + 1] == 0) {
                return;
            }
            int k = home(table[r], table[r + 1], cap);
            // the row at j may fill the hole at i unless its home lies cyclically in (i, j]
            boolean stays = i <= j ? k > i && k <= j : k > i || k <= j;
            if (!stays) {
                System.arraycopy(table, r, table, ROW_BASE + i * ROW, ROW);
                meta[i] = meta[j];
                position[meta[i] & SLOT_MASK] = i;
                clear(j);
                i = j;
            }
        }
    }

    private void clear(int p) {
        int r = ROW_BASE + p * ROW;
        table[r] = 0;
        table[r + 1] = 0;
        table[r + 2] = 0;
        table[r + 3] = 0;
        meta[p] = 0;
    }

    private void resize(int cap) {
        long[] oldTable = table;
        int[] oldMeta = meta;
        int oldCap = capacity;
        table = new long[ROW_BASE + cap * ROW];
        meta = new int[cap];
        capacity = cap;
        layout++;
        for (int p = 0; p < oldCap; p++) {
            int r = ROW_BASE + p * ROW;
            if (oldTable[r] != 0 || oldTable[r + 1] != 0) {
                int s = oldMeta[p] & SLOT_MASK;
                int q = place(oldTable[r], oldTable[r + 1], s);
                table[ROW_BASE + q * ROW + 2] = oldTable[r + 2];
                table[ROW_BASE + q * ROW + 3] = oldTable[r + 3];
                meta[q] = oldMeta[p];
            }
        }
    }
}
