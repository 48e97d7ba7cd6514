/**
 * What users of the engine call: the three roles' façades ({@link io.mga.engine.HomeAnycastAgent},
 * {@link io.mga.engine.AnycastResponder}, {@link io.mga.engine.AnycastInitiator}), which classify each packet once
 * (the agent through its forwarder, which keeps the data path on its own fields) and hand it to their rooms;
 * their configuration records and builders ({@link io.mga.engine.AgentConfig},
 * {@link io.mga.engine.ResponderConfig}); one way of reporting for every role (the sealed
 * {@link io.mga.engine.RoleEvent} family through an {@link io.mga.engine.EventListener}, counter snapshots as
 * records); the selection {@link io.mga.engine.Policies} (with {@link io.mga.engine.SelectionTable}, the table
 * that a kernel data plane looks up); {@link io.mga.engine.BindingTableListener}, through which such a data
 * plane mirrors the agent's bindings; and what an agent keeps across a restart
 * ({@link io.mga.engine.AgentState}, taken by {@code snapshot}, given back to the builder's {@code restore}; its file
 * is {@code io.mga.engine.persist}'s, the module's other exported package). Uses the rooms below it ({@code mobility}, {@code agent}, {@code responder}, {@code initiator}, {@code time},
 * {@code hash}), {@code io.mga.api} and {@code io.mga.wire}.
 */
package io.mga.engine;
