package io.mga.engine.agent;

import io.mga.engine.hash.KeyedHash;
import java.util.Arrays;

/**
 * Session pinning (MGA paper §4.4): which binding an initiator's packets to an anycast address went to, for a while.
 * A set-associative cache in flat arrays: the key (initiator address, anycast address) hashes to a set of eight
 * entries; a new pin takes a free or stale entry of its set, else the least recently used one. The size is fixed
 * at construction, so a flood of initiator addresses evicts old pins but cannot grow memory; nothing allocates.
 *
 * <p>A pin stores the binding's slot and generation: it stops counting once the binding is removed or changes
 * owner, without any search on removal. Not thread-safe: it belongs to the agent's thread.
 */
final class PinTable {
    private static final int WAYS = 8;

    private final int sets;
    private final long idleNanos;
    private final long key0;
    private final long key1;
    private final long key2;
    private final long key3;
    private final long[] initiator;
    private final long[] lastUsed;
    private final int[] slot;
    private final int[] generation;

    /**
     * @param maxPins the most pins, 1 or more (rounded up to a multiple of 8)
     * @param idleNanos how long an unused pin lasts
     * @param hashKey a secret mixed into the set index, so that nobody can aim eight sources at one set and evict
     *     a chosen initiator's pin
     */
    PinTable(int maxPins, long idleNanos, long hashKey) {
        this.key0 = KeyedHash.mix(hashKey);
        this.key1 = KeyedHash.mix(hashKey + 1);
        this.key2 = KeyedHash.mix(hashKey + 2);
        this.key3 = KeyedHash.mix(hashKey + 3);
        this.sets = Math.max(1, (maxPins + WAYS - 1) / WAYS);
        this.idleNanos = idleNanos;
        int n = sets * WAYS;
        initiator = new long[n * 2];
        lastUsed = new long[n];
        slot = new int[n];
        generation = new int[n];
        Arrays.fill(slot, BindingCache.NONE);
    }

    private int set(long ih, long il, long ah, long al) {
        // two independent folds side by side (neither waits on the other), each of secret-masked factors, then one
        // more with a constant: two multiplications deep (see BindingCache's home)
        long h = KeyedHash.fold(KeyedHash.fold(il ^ key0, ih ^ key1) ^ KeyedHash.fold(al ^ key2, ah ^ key3),
                KeyedHash.GOLDEN);
        return (int) (((h >>> 32) * sets) >>> 32) * WAYS;
    }

    /**
     * The first entry of the set a key hashes to: a function of the key alone (the table never resizes).
     *
     * @return an entry index, a multiple of 8
     */
    int setOf(long ih, long il, long ah, long al) {
        return set(ih, il, ah, al);
    }

    /** @return the number of entries, 8 per set */
    int entries() {
        return slot.length;
    }

    /**
     * Reads a set's entries and nothing more, so that a {@link #get} or {@link #put} soon after finds them in the
     * CPU's cache (the agent's burst look-ahead).
     *
     * @param base a set from {@link #setOf}
     * @return a value made of what was read, meaningless but for keeping the reads from being optimised away
     */
    long touch(int base) {
        return initiator[2 * base] + initiator[2 * base + WAYS] + lastUsed[base] + slot[base] + generation[base];
    }

    private boolean valid(int e, BindingCache cache, long ah, long al, long now) {
        int s = slot[e];
        return s != BindingCache.NONE && cache.generation(s) == generation[e] && cache.isLive(s)
                && cache.anycastHigh(s) == ah && cache.anycastLow(s) == al && now - lastUsed[e] < idleNanos;
    }

    /**
     * The binding an initiator is pinned to for an anycast address, refreshing the pin's idle time.
     *
     * @return the slot, or {@link BindingCache#NONE}
     */
    int get(long ih, long il, long ah, long al, BindingCache cache, long now) {
        return get(set(ih, il, ah, al), ih, il, ah, al, cache, now);
    }

    /**
     * {@link #get} with the key's set already computed.
     *
     * @param base {@link #setOf}{@code (ih, il, ah, al)}
     * @return the slot, or {@link BindingCache#NONE}
     */
    int get(int base, long ih, long il, long ah, long al, BindingCache cache, long now) {
        for (int e = base; e < base + WAYS; e++) {
            if (initiator[2 * e] == ih && initiator[2 * e + 1] == il && valid(e, cache, ah, al, now)) {
                lastUsed[e] = now;
                return slot[e];
            }
        }
        return BindingCache.NONE;
    }

    /** Pins an initiator to a binding of the anycast address. */
    void put(long ih, long il, long ah, long al, int binding, BindingCache cache, long now) {
        put(set(ih, il, ah, al), ih, il, binding, cache, now);
    }

    /**
     * {@link #put} with the key's set already computed.
     *
     * @param base {@link #setOf} of the initiator and anycast address
     */
    void put(int base, long ih, long il, int binding, BindingCache cache, long now) {
        int victim = base;
        for (int e = base; e < base + WAYS; e++) {
            if (!validForAny(e, cache, now)) { // free, or its binding is gone, or idle too long
                victim = e;
                break;
            }
            if (lastUsed[e] - lastUsed[victim] < 0) {
                victim = e;
            }
        }
        initiator[2 * victim] = ih;
        initiator[2 * victim + 1] = il;
        slot[victim] = binding;
        generation[victim] = cache.generation(binding);
        lastUsed[victim] = now;
    }

    private boolean validForAny(int e, BindingCache cache, long now) {
        int s = slot[e];
        return s != BindingCache.NONE && cache.generation(s) == generation[e] && cache.isLive(s)
                && now - lastUsed[e] < idleNanos;
    }

    /**
     * Counts the pins still in force (a scan of the table: for inspection, not the data path).
     *
     * @return the number of pins whose binding lives and whose idle time has not run out
     */
    int count(BindingCache cache, long now) {
        return count(cache, now, null);
    }

    /**
     * Counts the pins in force, and each binding slot's share of them (a scan, for inspection).
     *
     * @param cache the binding cache the pins point into
     * @param now the current time
     * @param perSlot if not null, {@code perSlot[slot]} is incremented for each pin in force (room for
     *     {@link BindingCache#slotLimit()} slots)
     * @return the number of pins in force
     */
    int count(BindingCache cache, long now, int[] perSlot) {
        int n = 0;
        for (int e = 0; e < slot.length; e++) {
            if (validForAny(e, cache, now)) {
                n++;
                if (perSlot != null && slot[e] < perSlot.length) {
                    perSlot[slot[e]]++;
                }
            }
        }
        return n;
    }
}
