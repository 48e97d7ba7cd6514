package io.mga.api;

/**
 * A protocol role (agent, responder, initiator): a single-threaded state machine that receives packets and runs
 * its timers when polled. The embedder calls {@link #receive} and {@link #doWork} from one thread, passing the
 * time it read from the injected {@link Clock} once per duty cycle (invoker mode, as Agrona's AgentInvoker).
 * Other threads talk to a role only through what its own API documents as thread-safe.
 */
public interface Role extends PacketHandler {
    /**
     * Runs every timer due at {@code nowNanos}.
     *
     * @param nowNanos the current time
     * @return the number of timers run (0 when idle)
     */
    int doWork(long nowNanos);

    /**
     * When to call {@link #doWork} next, so that an embedder can sleep (or a simulator skip ahead) until then: the
     * next timer's deadline, or an earlier time at which a role's timer structure needs a poll (a call then may run
     * nothing). Never earlier than the time of the last {@code doWork} unless a timer is already due.
     *
     * @return a time in nanoseconds, or {@link Long#MAX_VALUE} when no timer is pending
     */
    long nextDeadline();
}
