package io.mga.engine;

/**
 * A snapshot of an agent's counters.
 *
 * @param received packets handed to the agent
 * @param forwarded packets tunnelled to a responder
 * @param reverseForwarded reverse-tunnelled packets decapsulated and sent on
 * @param malformed packets that did not parse
 * @param noBinding packets to an anycast address with no registered responder
 * @param rejected Binding Updates refused (with or without a BA)
 * @param dropped other packets dropped (not for the agent, hop limit, reverse tunnel from an unknown source)
 * @param forgedErrors ICMPv6 errors about tunnels whose quoted Flow Label is not the agent's (forged or mangled)
 * @param probes bindings probed after a tunnel error
 * @param tooBig packets too large for the tunnel (RFC 2473 §7.1), not tunnelled
 * @param encapsulationLimited tunnel packets whose Tunnel Encapsulation Limit was 0 (RFC 2473 §4.1.1), discarded
 * @param reverseLimited reverse-tunnelled packets over their binding's rate, dropped
 * @param errorsSent ICMPv6 errors the agent sent (Packet Too Big, Parameter Problem)
 * @param errorsSuppressed ICMPv6 errors not sent: a source that may not get one (RFC 4443 §2.4(e)), or the rate
 *     limit (RFC 4443 §2.4(f))
 * @param storeUnavailable Binding Updates refused with 130 because the binding store could not be reached, did
 *     not answer in time, or had too many writes waiting
 * @param storeConflicts Binding Updates whose write the store refused on a condition: a timestamp another agent
 *     had accepted (144), a binding another agent changed meanwhile (135)
 */
public record AgentCounters(long received, long forwarded, long reverseForwarded, long malformed, long noBinding,
        long rejected, long dropped, long forgedErrors, long probes, long tooBig, long encapsulationLimited,
        long reverseLimited, long errorsSent, long errorsSuppressed, long storeUnavailable, long storeConflicts) {
}
