package io.mga.engine;

/**
 * A snapshot of a responder's counters.
 *
 * @param received packets handed to the responder
 * @param served requests its services answered (UDP datagrams taken by a service, Echo Requests)
 * @param malformed packets that did not parse, were not for this responder, or that no service took
 * @param unauthenticated Binding Acknowledgements that did not authenticate
 * @param unmatched Binding Acknowledgements that authenticated but answered no outstanding BU (late, duplicated,
 *     replayed)
 * @param host the host delivery's counters (all zero without host delivery)
 */
public record ResponderCounters(long received, long served, long malformed, long unauthenticated, long unmatched,
        Host host) {

    /**
     * The boundary between the network and the host's stack ({@code --deliver=host}): what crossed it each way and
     * what was stopped there.
     *
     * @param delivered inner packets handed to the host
     * @param notFromAgent tunnelled packets whose outer source is no agent this responder registers with (dropped;
     *     counted in both modes)
     * @param notForAnycast tunnelled packets from an agent whose inner destination is not the anycast address
     * @param spoofedSource tunnelled packets from an agent whose inner source is the anycast or care-of address, or
     *     not a routable unicast address
     * @param tunnelled packets from the host tunnelled to an agent
     * @param direct packets from the host sent route-optimised
     * @param refused packets from the host not from the anycast address (or to a destination not allowed)
     * @param tooBig packets from the host too large for the tunnel (answered with Packet Too Big, rate-limited)
     * @param noAgent packets from the host dropped because no agent was registered
     */
    public record Host(long delivered, long notFromAgent, long notForAnycast, long spoofedSource, long tunnelled,
            long direct, long refused, long tooBig, long noAgent) {
    }
}
