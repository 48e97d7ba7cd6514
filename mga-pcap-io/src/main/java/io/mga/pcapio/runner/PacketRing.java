package io.mga.pcapio.runner;

import io.mga.api.PacketHandler;

/**
 * A bounded queue of packets in one byte array: producers copy packets in, the one consumer hands runs of them to
 * a {@link PacketHandler} as a burst that points into the array itself (no copy on the way out). Each record is a
 * 4-octet length and the packet, padded to 8 octets; a record never wraps: at the end of the array a negative
 * length skips to the start.
 *
 * <p>Threads: any number of producers ({@link #offer} is synchronized among them); exactly one consumer thread
 * calls {@link #drain}. Positions only grow; {@code tail} is published after the packet is written and
 * {@code head} after the handler returned, so neither side ever reads a half-written record or overwrites one
 * still being read.
 */
final class PacketRing {
    private static final int HEADER = 4;

    private final byte[] buffer;
    private final int mask;
    private final int[] offsets;
    private final int[] lengths;
    /** Consumed up to here (written by the consumer only). */
    private volatile long head;
    /** Produced up to here (written by producers, under the lock). */
    private volatile long tail;

    /**
     * @param capacity octets, rounded up to a power of two (at least 64)
     * @param maxBurst most packets handed over in one burst
     */
    PacketRing(int capacity, int maxBurst) {
        if (capacity < 1 || capacity > 1 << 30) {
            throw new IllegalArgumentException("ring capacity must be 1 to 2^30 octets, got " + capacity);
        }
        if (maxBurst < 1) {
            throw new IllegalArgumentException("maxBurst must be 1 or more, got " + maxBurst);
        }
        int c = Math.max(64, Integer.highestOneBit(capacity - 1) << 1);
        this.buffer = new byte[c];
        this.mask = c - 1;
        this.offsets = new int[maxBurst];
        this.lengths = new int[maxBurst];
    }

    int capacity() {
        return buffer.length;
    }

    /**
     * Copies a packet in.
     *
     * @return false when there is no room (or the packet could never fit): the caller counts a drop
     */
    synchronized boolean offer(byte[] src, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, src.length);
        int need = align(HEADER + length);
        int cap = buffer.length;
        if (need > cap / 2) {
            return false;
        }
        long t = tail;
        long h = head;
        int index = (int) (t & mask);
        int toEnd = cap - index;
        if (need > toEnd) {
            if (t + toEnd + need - h > cap) {
                return false;
            }
            writeInt(index, -toEnd);
            t += toEnd;
            index = 0;
        } else if (t + need - h > cap) {
            return false;
        }
        writeInt(index, length);
        System.arraycopy(src, offset, buffer, index + HEADER, length);
        tail = t + need;
        return true;
    }

    boolean isEmpty() {
        return head == tail;
    }

    /**
     * Hands the packets queued now (up to {@code maxBurst}) to a handler: one packet through {@code receive},
     * more through {@code receiveBurst}. Consumer thread only.
     *
     * @return the number of packets handed over
     */
    int drain(PacketHandler handler, long now) {
        long h = head;
        long t = tail;
        int n = 0;
        long pos = h;
        while (pos != t && n < offsets.length) {
            int index = (int) (pos & mask);
            int len = readInt(index);
            if (len < 0) {
                pos -= len;
                continue;
            }
            offsets[n] = index + HEADER;
            lengths[n] = len;
            n++;
            pos += align(HEADER + len);
        }
        try {
            if (n == 1) {
                handler.receive(buffer, offsets[0], lengths[0], now);
            } else if (n > 1) {
                handler.receiveBurst(buffer, offsets, lengths, 0, n, now);
            }
        } finally {
            head = pos;
        }
        return n;
    }

    private static int align(int n) {
        return (n + 7) & ~7;
    }

    private void writeInt(int i, int v) {
        buffer[i] = (byte) (v >>> 24);
        buffer[i + 1] = (byte) (v >>> 16);
        buffer[i + 2] = (byte) (v >>> 8);
        buffer[i + 3] = (byte) v;
    }

    private int readInt(int i) {
        return (buffer[i] & 0xff) << 24 | (buffer[i + 1] & 0xff) << 16 | (buffer[i + 2] & 0xff) << 8
                | (buffer[i + 3] & 0xff);
    }
}
