package io.mga.engine.hash;

/**
 * The hash functions of the engine's tables and of rendezvous selection: SplitMix64's finaliser ({@link #mix}) and
 * the 128-bit product fold of wyhash ({@link #fold}), keyed by the callers with per-table secrets so that a sender
 * cannot choose addresses that collide. Pure functions, no state.
 */
public final class KeyedHash {
    /** 2<sup>64</sup> divided by the golden ratio, odd: a multiplier whose product bits spread any input. */
    public static final long GOLDEN = 0x9e37_79b9_7f4a_7c15L;

    private KeyedHash() {
    }

    /**
     * SplitMix64's finaliser: a fast, well-spread 64-bit mix.
     *
     * @param z the input
     * @return the mixed value
     */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * Folds the 128-bit product of two words: its low half XOR its high half (the mixing step of wyhash). One
     * multiplication deep, where {@link #mix} is two; callers mask the factors with secrets and fold twice.
     *
     * @param a a factor
     * @param b the other
     * @return the fold
     */
    public static long fold(long a, long b) {
        // JDK 17's Math.multiplyHigh is a C2 intrinsic on x86-64 and AArch64 (one instruction)
        return a * b ^ Math.multiplyHigh(a, b);
    }
}
