/**
 * The etcd binding store: {@link io.mga.store.etcd.EtcdBindingStore}, a {@link io.mga.api.store.BindingStore} that
 * several Home Anycast Agents share through an etcd v3 cluster (jetcd client), configured by
 * {@link io.mga.store.etcd.EtcdStoreConfig}. Bindings are keys on leases whose time to live is the granted
 * lifetime; writes are single etcd transactions that check the binding's revision and the RFC 4285 replay mark
 * together; each agent's copy is fed by a watch that resumes from its revision.
 */
package io.mga.store.etcd;
