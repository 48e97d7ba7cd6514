package io.mga.api.store;

import java.util.List;

/**
 * What a store's watch reports, in revision order, on the store's own thread (an agent hands them to its thread).
 */
public sealed interface StoreEvent {
    /**
     * A binding was written (registered, refreshed, moved, overwritten), by this agent or another.
     *
     * @param binding the binding now
     * @param revision the store's revision of the write
     */
    record Put(StoredBinding binding, long revision) implements StoreEvent { }

    /**
     * A binding went.
     *
     * @param key which
     * @param expired true when its lifetime ran out (etcd: its lease expired), false for a deregistration
     * @param revision the store's revision of the removal
     */
    record Removed(BindingKey key, boolean expired, long revision) implements StoreEvent { }

    /**
     * Every binding the store holds, replacing what the receiver held: the first event of a watch, and again
     * whenever the watch could not resume from its revision (etcd: compacted).
     *
     * @param bindings all of them
     * @param revision the revision they are at
     */
    record Snapshot(List<StoredBinding> bindings, long revision) implements StoreEvent {
        /**
         * Copies the list.
         *
         * @param bindings not null
         * @param revision any
         */
        public Snapshot {
            bindings = List.copyOf(bindings);
        }
    }

    /**
     * The store became reachable, or stopped being so.
     *
     * @param connected whether it is reachable now
     * @param why a few words
     */
    record Connectivity(boolean connected, String why) implements StoreEvent { }
}
