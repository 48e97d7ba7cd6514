/**
 * The Home Anycast Agent's rooms: the registration pipeline and the bindings' soft state ({@code Registrar}), the
 * data plane ({@code Forwarder}: every received packet's flyweight wrap and first classification, so that the
 * data path reads the forwarder's fields only and hands the agent what is for its own address or DHAAD; lookup,
 * selection, pinning, encapsulation, the reverse tunnel, the burst
 * look-ahead, the reverse tunnel's bucket per binding), ICMPv6 (tunnel errors, DHAAD, and the errors it sends as a
 * tunnel entry point, Packet Too Big and Parameter Problem: {@code AgentIcmp}), and the tables ({@code BindingCache},
 * {@code PinTable}). Internal: not exported; the façade {@code io.mga.engine.HomeAnycastAgent} composes them
 * (the benchmarks get a qualified export). Uses {@code io.mga.api}, {@code io.mga.wire},
 * {@code io.mga.engine.mobility}, {@code .time}, {@code .hash}; never the façade package.
 */
package io.mga.engine.agent;
