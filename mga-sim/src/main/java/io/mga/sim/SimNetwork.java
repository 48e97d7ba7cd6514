package io.mga.sim;

import io.mga.api.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * The simulated network: a virtual clock, an event queue, nodes and links. Build a topology with {@link #node},
 * {@link #link} and {@link SimNode#route}, put roles on nodes with {@link SimNode#attach}, then drive time with
 * {@link #runFor} or {@link #runUntil}.
 *
 * <p>Not thread-safe: one thread builds and runs it. Deterministic for a given seed.
 */
public final class SimNetwork {

    /** Sees every packet a link carries, as it leaves the sending end. */
    @FunctionalInterface
    public interface Tap {
        /**
         * One packet on a link.
         *
         * @param timeNanos virtual time of transmission
         * @param link the link
         * @param from the node that sent it on the link
         * @param packet the IPv6 packet (a copy the tap may keep)
         * @param dropped true when the link lost it (loss, partition)
         */
        void onPacket(long timeNanos, SimLink link, SimNode from, byte[] packet, boolean dropped);
    }

    private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** Largest number of pending events; a run that exceeds it is a runaway (a packet storm) and is stopped. */
    public static final int MAX_PENDING_EVENTS = 1_000_000;

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Random random;
    private final List<SimNode> nodes = new ArrayList<>();
    private final List<SimLink> links = new ArrayList<>();
    private final List<Tap> taps = new ArrayList<>();
    private long now;
    private long seq;

    /**
     * Creates an empty network at virtual time 0.
     *
     * @param seed the seed of the random source used for link losses
     */
    public SimNetwork(long seed) {
        this.random = new Random(seed);
    }

    /** @return the virtual time in nanoseconds */
    public long now() {
        return now;
    }

    /** @return a {@link Clock} reading this network's virtual time */
    public Clock clock() {
        return () -> now;
    }

    /**
     * Adds a node. It forwards packets not addressed to it only if it is a router.
     *
     * @param name a name for logs and taps
     * @param router true for a router (forwards by longest prefix match, decrements the Hop Limit)
     * @return the node
     */
    public SimNode node(String name, boolean router) {
        SimNode n = new SimNode(this, name, router);
        nodes.add(n);
        return n;
    }

    /**
     * Joins two nodes with a link.
     *
     * @param name a name for taps
     * @param a one end
     * @param b the other end
     * @param latencyNanos one-way delay
     * @return the link
     */
    public SimLink link(String name, SimNode a, SimNode b, long latencyNanos) {
        SimLink l = new SimLink(this, name, a, b, latencyNanos);
        links.add(l);
        a.addLink(l);
        b.addLink(l);
        return l;
    }

    /**
     * Adds a tap that sees every packet on every link.
     *
     * @param tap the tap
     */
    public void tap(Tap tap) {
        taps.add(tap);
    }

    /** @return the nodes, in creation order */
    public List<SimNode> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * Schedules an action at a virtual time (not before now).
     *
     * @param timeNanos when
     * @param action what
     * @throws IllegalStateException if too many events are pending (a runaway simulation)
     */
    public void at(long timeNanos, Runnable action) {
        if (events.size() >= MAX_PENDING_EVENTS) {
            throw new IllegalStateException("more than " + MAX_PENDING_EVENTS + " pending events: runaway simulation");
        }
        events.add(new Event(Math.max(timeNanos, now), seq++, action));
    }

    /**
     * Runs events until virtual time reaches {@code timeNanos} (events at that time included).
     *
     * @param timeNanos the end time
     */
    public void runUntil(long timeNanos) {
        while (!events.isEmpty() && events.peek().time() <= timeNanos) {
            Event e = events.poll();
            now = e.time();
            e.action().run();
        }
        if (timeNanos > now) {
            now = timeNanos;
        }
    }

    /**
     * Runs for a span of virtual time.
     *
     * @param nanos how long
     */
    public void runFor(long nanos) {
        runUntil(now + nanos);
    }

    boolean lose(double probability) {
        return probability > 0 && random.nextDouble() < probability;
    }

    void tapped(SimLink link, SimNode from, byte[] packet, boolean dropped) {
        for (Tap t : taps) {
            t.onPacket(now, link, from, packet, dropped);
        }
    }

    /**
     * Nanoseconds in a second, for readable virtual times: {@code net.runFor(30 * SimNetwork.SECOND)}.
     */
    public static final long SECOND = 1_000_000_000L;
    /** Nanoseconds in a millisecond. */
    public static final long MILLISECOND = 1_000_000L;
}
