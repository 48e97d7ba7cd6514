/**
 * The embedded binding store, {@link io.mga.engine.store.LocalBindingStore}: the default
 * {@link io.mga.api.store.BindingStore}, one agent's state in its own memory (what survives a restart is the
 * agent's state file, {@link io.mga.engine.persist}). A store shared by several agents is mga-store-etcd's.
 */
package io.mga.engine.store;
