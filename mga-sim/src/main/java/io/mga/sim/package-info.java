/**
 * A simulated IPv6 network in virtual time, for tests, the demo and users' own tests: {@link
 * io.mga.sim.SimNetwork} holds nodes (hosts and routers) joined by {@link io.mga.sim.SimLink}s with
 * latency, loss and partitions; routers forward by longest prefix match and decrement the Hop Limit; any
 * {@link io.mga.api.Role} or {@link io.mga.api.PacketHandler} runs on a node through {@link io.mga.api.PacketIo}.
 *
 * <p>Runs are deterministic for a given seed: one event queue ordered by time then insertion, one seeded random
 * source for losses. Nothing here reads the system clock or starts a thread. A {@link
 * io.mga.sim.SimNetwork.Tap} sees every packet put on every link (a run can be recorded to a capture).
 */
package io.mga.sim;
