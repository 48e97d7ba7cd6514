package io.mga.api.store;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Where Home Anycast Agents keep their binding state (issue 14): bindings, the sequence numbers that made them and
 * the replay-protection marks, shared by every agent that opens the same store. The agent forwards from its own
 * copy, fed by {@link #watch}; the data path never waits on the store. Writes are conditional and atomic: a
 * registration commits only if the binding is still at the revision the agent saw and its replay mark is newer
 * than the last committed under its SPI.
 *
 * <p>Thread safety: every method may be called from any thread; futures complete and listeners are called on the
 * store's threads, never on the caller's inside the call unless the implementation says so (the embedded one
 * completes at once, on the caller's thread).
 */
public interface BindingStore extends AutoCloseable {
    /** An expected revision that sets no condition: the write happens whatever the binding's revision. */
    long ANY = -1;

    /**
     * Writes a binding (a registration or a refresh), if it is still at {@code expectedRevision} and the mark is
     * fresh; the binding lapses by itself after its lifetime unless written again.
     *
     * @param binding the binding
     * @param expectedRevision the revision of the binding the caller saw, 0 when it saw none (then the write
     *     happens only if there is none), or {@link #ANY}
     * @param mark the BU's replay mark, or null when it carried none
     * @return the answer
     */
    CompletionStage<StoreResult> put(StoredBinding binding, long expectedRevision, ReplayMark mark);

    /**
     * Removes a binding (a deregistration), on the same conditions.
     *
     * @param key which
     * @param expectedRevision the revision of the binding the caller saw, 0 when it saw none, or {@link #ANY};
     *     removing a binding that is not there commits and changes nothing
     * @param mark the BU's replay mark, or null
     * @return the answer
     */
    CompletionStage<StoreResult> remove(BindingKey key, long expectedRevision, ReplayMark mark);

    /**
     * Starts delivering events: first a {@link StoreEvent.Snapshot}, then every change in revision order, with no
     * change lost across reconnections (a new snapshot when the store cannot resume). One watch per store.
     *
     * @param listener the receiver, called on the store's thread
     * @return a handle that stops the watch
     */
    AutoCloseable watch(Consumer<StoreEvent> listener);

    /** @return the state now */
    StoreStatus status();

    /** Releases connections and threads; bindings stay in the store until they lapse. */
    @Override
    void close();
}
