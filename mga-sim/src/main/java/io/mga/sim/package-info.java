/**
 * A simulated IPv6 network in virtual time, for tests, the demo, the examples and users' own tests: {@link
 * io.mga.sim.SimNetwork} holds nodes (hosts and routers) joined by {@link io.mga.sim.SimLink}s with latency, loss
 * and partitions; routers forward by longest prefix match and decrement the Hop Limit; any {@link io.mga.api.Role}
 * or {@link io.mga.api.PacketHandler} runs on a node through {@link io.mga.api.PacketIo}; {@link
 * io.mga.sim.PlainHost} is an ordinary IPv6 host that knows nothing of Mobile IPv6.
 *
 * <p>{@link io.mga.sim.StandardTopology} builds the one world mga's own tests, demo and examples share: a core
 * router, the anycast home link 2001:db8:a::/64 (agent 2001:db8:a::1, anycast address 2001:db8:a::53), responder
 * sites 2001:db8:N::/48 and initiator sites, each 10 ms from the core unless told otherwise.
 *
 * <p>This package needs only the API and the wire layer: it knows no role of its own, so the engine's roles (or
 * anyone's) are attached by the caller. Runs are deterministic for a given seed: one event queue ordered by time
 * then insertion, one seeded random source for losses. Nothing here reads the system clock or starts a thread. A
 * {@link io.mga.sim.SimNetwork.Tap} sees every packet put on every link (a run can be recorded to a capture).
 */
package io.mga.sim;
