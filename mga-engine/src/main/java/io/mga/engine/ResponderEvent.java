package io.mga.engine;

import io.mga.api.Ipv6Address;
import java.util.List;

/** What a responder reports to its {@link EventListener}: its registrations, discovery, route optimisation. */
public sealed interface ResponderEvent extends RoleEvent {
    /**
     * The registration with an agent changed state.
     *
     * @param timeNanos when (monotonic)
     * @param unixNanos when (wall clock)
     * @param agent the agent
     * @param state the new state
     * @param status the BA status that caused it, or -1
     */
    record StateChanged(long timeNanos, long unixNanos, Ipv6Address agent, AnycastResponder.State state, int status)
            implements ResponderEvent {
    }

    /**
     * Agent discovery (DHAAD) answered.
     *
     * @param timeNanos when (monotonic)
     * @param unixNanos when (wall clock)
     * @param agents the agents the reply listed
     */
    record AgentsDiscovered(long timeNanos, long unixNanos, List<Ipv6Address> agents) implements ResponderEvent {
        /**
         * Copies the list.
         *
         * @param timeNanos when
         * @param unixNanos when
         * @param agents the agents
         */
        public AgentsDiscovered {
            agents = List.copyOf(agents);
        }
    }

    /**
     * Route optimisation with an initiator is in force: replies go to it directly.
     *
     * @param timeNanos when (monotonic)
     * @param unixNanos when (wall clock)
     * @param initiator the initiator
     */
    record RouteOptimised(long timeNanos, long unixNanos, Ipv6Address initiator) implements ResponderEvent {
    }

    /**
     * Route optimisation with an initiator stopped or was given up; the reverse tunnel serves it.
     *
     * @param timeNanos when (monotonic)
     * @param unixNanos when (wall clock)
     * @param initiator the initiator
     * @param reason why, in a few words
     */
    record RouteOptimisationStopped(long timeNanos, long unixNanos, Ipv6Address initiator, String reason)
            implements ResponderEvent {
    }
}
