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
    /** Packets too large for the tunnel (RFC 2473 §7.1), answered with Packet Too Big or not. */
    public long tooBig;
    /** Tunnel packets whose Tunnel Encapsulation Limit was 0 (RFC 2473 §4.1.1), discarded. */
    public long encapsulationLimited;
    /** Reverse-tunnelled packets over their binding's rate, dropped. */
    public long reverseLimited;
    /** ICMPv6 errors sent by the agent (Packet Too Big, Parameter Problem). */
    public long errorsSent;
    /** ICMPv6 errors not sent: the source may not get one (RFC 4443 §2.4(e)) or the rate limit said no. */
    public long errorsSuppressed;
    /** BUs refused with 130 because the binding store could not be reached or did not answer in time. */
    public long storeUnavailable;
    /** BUs whose write the store refused on a condition (a replayed timestamp, a binding changed meanwhile). */
    public long storeConflicts;
    /** BUs refused with 130 because too many writes waited for the store. */
    public long storeBusy;
    /** Bindings from the store's watch left out of the local copy (this agent's configuration refuses them). */
    public long storeRefused;
    /** Other packets dropped (not for the agent, hop limit, reverse tunnel from an unknown source). */
    public long dropped;
}
