/**
 * The Anycast Responder's rooms: the home registrations, one state machine per agent ({@code Registrations}),
 * agent discovery ({@code Discovery}, DHAAD), the services run in the JVM ({@code ServiceHost}), host delivery to the host's own stack and
 * its boundary checks ({@code HostPath}), the reverse tunnel
 * ({@code ReverseTunnel}) and route optimisation ({@code RouteOptimiser}). Internal: not exported; the façade
 * {@code io.mga.engine.AnycastResponder} composes them. Uses {@code io.mga.api}, {@code io.mga.wire},
 * {@code io.mga.engine.mobility}, {@code .time}; never the façade package.
 */
package io.mga.engine.responder;
