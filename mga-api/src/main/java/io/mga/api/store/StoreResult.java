package io.mga.api.store;

/**
 * How a store answered a write. An agent acknowledges a Binding Update only on {@link Committed} (RFC 6275 §10.3.1:
 * the BA says the binding is in place), refuses it on {@link Conflict}, and on {@link Unavailable} refuses it with
 * a status its responder retries (the agent's documentation says which), keeping the bindings it has.
 */
public sealed interface StoreResult {
    /**
     * The change is durable (etcd: a linearizable write the majority committed).
     *
     * @param revision the store's revision of the change
     */
    record Committed(long revision) implements StoreResult { }

    /**
     * Not committed: a condition failed.
     *
     * @param reason which
     * @param revision the store's revision when it looked, 0 when unknown
     */
    record Conflict(Reason reason, long revision) implements StoreResult { }

    /**
     * Not committed: the store could not be reached or has no majority, or did not answer in time. Whether the
     * change happened is unknown only for a timeout; the watch then tells.
     *
     * @param why a few words
     */
    record Unavailable(String why) implements StoreResult { }

    /** Why a conditional write failed. */
    enum Reason {
        /** The replay mark was not newer than the last committed under its SPI. */
        STALE_TIMESTAMP,
        /** The binding changed since the revision the caller expected (another agent wrote it). */
        BINDING_CHANGED
    }
}
