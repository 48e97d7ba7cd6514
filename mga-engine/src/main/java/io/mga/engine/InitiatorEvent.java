package io.mga.engine;

import io.mga.api.Ipv6Address;

/** What an initiator reports to its {@link EventListener}: its bindings as a correspondent (the hot swap). */
public sealed interface InitiatorEvent extends RoleEvent {
    /** Why a binding went. */
    enum Cause {
        /** Its lifetime ended without a new Binding Update. */
        LIFETIME_ENDED("binding lifetime ended"),
        /** The responder deregistered ("returned home", the Pseudo MIPv6 paper's hot swap). */
        RETURNED_HOME("returned home"),
        /** An ICMPv6 Destination Unreachable named the responder's care-of address. */
        DESTINATION_UNREACHABLE("destination unreachable");

        private final String text;

        Cause(String text) {
            this.text = text;
        }

        /** @return the cause in a few words */
        public String text() {
            return text;
        }
    }

    /**
     * A responder route-optimised toward this initiator: packets to the anycast address go to it directly.
     *
     * @param timeNanos when (monotonic)
     * @param unixNanos when (wall clock)
     * @param home the anycast (home) address
     * @param careOf the responder's peer unicast address
     */
    record Bound(long timeNanos, long unixNanos, Ipv6Address home, Ipv6Address careOf) implements InitiatorEvent {
    }

    /**
     * A binding went: packets to the anycast address go through the agent again, which picks a responder.
     *
     * @param timeNanos when (monotonic)
     * @param unixNanos when (wall clock)
     * @param home the anycast (home) address
     * @param careOf the care-of address it had
     * @param cause why
     */
    record Unbound(long timeNanos, long unixNanos, Ipv6Address home, Ipv6Address careOf, Cause cause)
            implements InitiatorEvent {
    }
}
