package io.mga.engine.agent;

import io.mga.wire.fast.Encapsulation;

/**
 * The outer Flow Label of every tunnelled packet: a keyed hash of the inner source and the care-of address
 * (RFC 6438: one label per inner flow, so ECMP keeps flows together), with a secret that rotates every
 * {@link #ROTATION_NANOS}. An ICMPv6 error about a tunnel quotes the outer header; it is taken only when the
 * quoted label is the one the agent would have written, under the current or the previous secret, which an
 * off-path sender can match only by chance (one in 2<sup>20</sup>), in the spirit of RFC 5927's checks for TCP.
 * Single-threaded (the agent's thread); the secrets come from the caller's random source.
 */
public final class TunnelLabels {
    /** How long a secret is used before the next replaces it; errors are accepted for up to twice this. */
    public static final long ROTATION_NANOS = 600_000_000_000L;
    private final java.util.random.RandomGenerator random;
    private long current0;
    private long current1;
    private long previous0;
    private long previous1;
    private long rotateAt;

    /**
     * @param random the source of the secrets
     * @param now the current time
     */
    public TunnelLabels(java.util.random.RandomGenerator random, long now) {
        this.random = random;
        this.current0 = random.nextLong();
        this.current1 = random.nextLong() | 1;
        this.previous0 = current0;
        this.previous1 = current1;
        this.rotateAt = now + ROTATION_NANOS;
    }

    /**
     * Rotates the secret when it is due.
     *
     * @param now the current time
     * @return whether it rotated now
     */
    public boolean rotate(long now) {
        if (now - rotateAt >= 0) {
            previous0 = current0;
            previous1 = current1;
            current0 = random.nextLong();
            current1 = random.nextLong() | 1;
            rotateAt = now + ROTATION_NANOS;
            return true;
        }
        return false;
    }

    /** @return the current secret (for a data plane that writes the same labels) */
    public long secret() {
        return current0;
    }

    /** @return the current odd multiplier */
    public long multiplier() {
        return current1;
    }

    /** @return when {@link #rotate} is due next */
    public long nextRotation() {
        return rotateAt;
    }

    /**
     * The label of a tunnelled packet, under the current secret.
     *
     * @param sh the inner source's high half
     * @param sl its low half
     * @param ch the care-of address's high half
     * @param cl its low half
     * @return 20 bits
     */
    public int label(long sh, long sl, long ch, long cl) {
        return label(current0, current1, sh, sl, ch, cl);
    }

    /**
     * Whether a quoted label is one the agent wrote for this inner source and care-of address.
     *
     * @param quoted the label in the quoted outer header
     * @param sh the quoted inner source's high half
     * @param sl its low half
     * @param ch the quoted outer destination's high half (the care-of address)
     * @param cl its low half
     * @return true under the current or the previous secret
     */
    public boolean isOurs(int quoted, long sh, long sl, long ch, long cl) {
        return quoted == label(current0, current1, sh, sl, ch, cl)
                || quoted == label(previous0, previous1, sh, sl, ch, cl);
    }

    /**
     * One multiplication on the data path: the top 20 bits of (the addresses' halves folded with a secret) times an
     * odd secret. An off-path sender sees no label and must guess one of 2<sup>20</sup>, whatever the function; an
     * insider (a responder, which sees the labels of its own tunnels) could learn the secrets of a function this
     * simple, but what a forged error can then do is bounded by the probe (a live responder answers it) and by the
     * probe rate.
     */
    private static int label(long k0, long k1, long sh, long sl, long ch, long cl) {
        return (int) (((sh ^ sl ^ ch ^ cl ^ k0) * k1) >>> 44) & Encapsulation.FLOW_LABEL_MASK;
    }
}
