package io.mga.api.store;

/**
 * A store's state, for {@code mga status} and metrics.
 *
 * @param kind "local" or "etcd"
 * @param connected whether writes can commit now
 * @param revision the newest revision the store has told of
 * @param appliedRevision the newest revision the watch has delivered
 * @param detail a few words (endpoints, the last error)
 */
public record StoreStatus(String kind, boolean connected, long revision, long appliedRevision, String detail) {
    /** @return how many revisions the watch is behind */
    public long lag() {
        return Math.max(0, revision - appliedRevision);
    }
}
