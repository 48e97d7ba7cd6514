package io.mga.engine;

/**
 * An agent's binding store as the agent sees it, for {@code mga status} and metrics (see
 * {@link HomeAnycastAgent#storeState()}).
 *
 * @param kind "local" (the embedded store) or "etcd"
 * @param connected whether writes can commit now (the store's own view and the last connectivity event)
 * @param revision the newest revision the store has told of
 * @param appliedRevision the newest revision the agent has applied to its copy
 * @param lag how many revisions the agent's copy is behind
 * @param detail a few words from the store (endpoints, the last error)
 * @param pendingWrites Binding Updates whose write waits for the store now
 * @param unavailable Binding Updates refused with 130: the store unreachable, too slow, or too many writes waiting
 * @param conflicts Binding Updates the store refused on a condition (144 for a replayed timestamp, 135 for a
 *     binding changed meanwhile)
 * @param busy of {@code unavailable}, those refused because the table of waiting writes was full
 * @param refused bindings from the store left out of the copy (this agent's configuration does not accept them)
 */
public record StoreState(String kind, boolean connected, long revision, long appliedRevision, long lag,
        String detail, int pendingWrites, long unavailable, long conflicts, long busy, long refused) {
}
