package io.mga.engine.agent;

/**
 * The agent's counters as its rooms count them, on the agent's thread; the façade publishes them as an immutable
 * snapshot. Plain fields: the data path increments them without a call.
 */
public final class AgentStats {
    /** Packets handed to the agent. */
    public long received;
    /** Packets tunnelled to a responder. */
    public long forwarded;
    /** Reverse-tunnelled packets decapsulated and sent on. */
    public long reverseForwarded;
    /** Packets that did not parse. */
    public long malformed;
    /** Packets to an anycast address with no registered responder. */
    public long noBinding;
    /** Binding Updates refused (with or without a BA). */
    public long rejected;
    /** ICMPv6 errors about tunnels whose quoted Flow Label is not the agent's: forged or mangled. */
    public long forgedErrors;
    /** Bindings probed after a tunnel error. */
    public long probes;
    /** Other packets dropped (not for the agent, hop limit, reverse tunnel from an unknown source). */
    public long dropped;
}
