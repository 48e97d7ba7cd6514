/**
 * The binding store SPI: where a Home Anycast Agent keeps its bindings, the sequence numbers it accepted
 * (RFC 6275 §9.5.1) and the replay-protection timestamps (RFC 4285 §6), so that several agents can share one
 * binding state. {@link io.mga.api.store.BindingStore} is the interface; the embedded one lives in mga-engine,
 * the etcd one in mga-store-etcd. Values are immutable records; events are a sealed type.
 */
package io.mga.api.store;
