package io.mga.sim;

/**
 * A point-to-point link between two nodes with a one-way latency, a loss probability and an up/down state
 * (a partition). Configure it between runs or from scheduled actions.
 */
public final class SimLink {
    private final SimNetwork net;
    private final String name;
    private final SimNode a;
    private final SimNode b;
    private final long latency;
    private double loss;
    private boolean up = true;
    private long carried;
    private long dropped;

    SimLink(SimNetwork net, String name, SimNode a, SimNode b, long latency) {
        if (latency < 0) {
            throw new IllegalArgumentException("latency must be 0 or more");
        }
        this.net = net;
        this.name = name;
        this.a = a;
        this.b = b;
        this.latency = latency;
    }

    /** @return the link's name */
    public String name() {
        return name;
    }

    /**
     * Sets the probability that a packet is lost, 0 to 1, drawn from the network's seeded random source.
     *
     * @param probability the loss probability
     * @return this link
     */
    public SimLink loss(double probability) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("loss must be 0..1");
        }
        this.loss = probability;
        return this;
    }

    /**
     * Brings the link up or down; a down link drops everything (a partition).
     *
     * @param isUp the new state
     * @return this link
     */
    public SimLink up(boolean isUp) {
        this.up = isUp;
        return this;
    }

    /** @return true unless the link was brought down */
    public boolean isUp() {
        return up;
    }

    /** @return packets delivered so far */
    public long carried() {
        return carried;
    }

    /** @return packets lost so far (loss or partition) */
    public long dropped() {
        return dropped;
    }

    SimNode peer(SimNode n) {
        return n == a ? b : a;
    }

    void transmit(SimNode from, byte[] packet) {
        boolean drop = !up || net.lose(loss);
        net.tapped(this, from, packet, drop);
        if (drop) {
            dropped++;
            return;
        }
        carried++;
        SimNode to = peer(from);
        net.at(net.now() + latency, () -> to.arrive(this, packet));
    }

    @Override
    public String toString() {
        return name;
    }
}
