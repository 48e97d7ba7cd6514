package io.mga.engine;

/**
 * What every role reports: one sealed event type per role ({@link AgentEvent}, {@link ResponderEvent},
 * {@link InitiatorEvent}), each event stamped with the role's monotonic time and the wall-clock time its
 * {@link io.mga.api.EpochClock} gives for it.
 */
public sealed interface RoleEvent permits AgentEvent, ResponderEvent, InitiatorEvent {
    /** @return the role's monotonic time of the event, in nanoseconds */
    long timeNanos();

    /** @return the wall-clock time of the event, Unix nanoseconds */
    long unixNanos();

    /** @return the wall-clock time of the event */
    default java.time.Instant wallTime() {
        return java.time.Instant.ofEpochSecond(Math.floorDiv(unixNanos(), 1_000_000_000L),
                Math.floorMod(unixNanos(), 1_000_000_000L));
    }
}
