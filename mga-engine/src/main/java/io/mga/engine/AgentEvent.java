package io.mga.engine;

import io.mga.api.AnycastBinding;
import io.mga.api.Ipv6Address;

/** What an agent reports to its {@link EventListener}: changes of its binding cache and rejections. */
public sealed interface AgentEvent extends RoleEvent {

    /**
     * A responder registered (a new binding).
     *
     * @param timeNanos when (monotonic)
     * @param unixNanos when (wall clock)
     * @param binding the binding
     */
    record Registered(long timeNanos, long unixNanos, AnycastBinding binding) implements AgentEvent {
    }

    /**
     * A binding was refreshed (same responder, possibly a new care-of address or weight).
     *
     * @param timeNanos when (monotonic)
     * @param unixNanos when (wall clock)
     * @param binding the binding after the refresh
     */
    record Refreshed(long timeNanos, long unixNanos, AnycastBinding binding) implements AgentEvent {
    }

    /**
     * A binding was overwritten by another responder's registration (Basic Model, MGA paper Fig. 7a).
     *
     * @param timeNanos when (monotonic)
     * @param unixNanos when (wall clock)
     * @param old the binding that was lost
     * @param binding the new binding
     */
    record Overwritten(long timeNanos, long unixNanos, AnycastBinding old, AnycastBinding binding) implements AgentEvent {
    }

    /**
     * A responder deregistered (lifetime 0).
     *
     * @param timeNanos when (monotonic)
     * @param unixNanos when (wall clock)
     * @param binding the binding removed
     */
    record Deregistered(long timeNanos, long unixNanos, AnycastBinding binding) implements AgentEvent {
    }

    /**
     * A binding lapsed: its lifetime ended without a refresh (soft state).
     *
     * @param timeNanos when (monotonic)
     * @param unixNanos when (wall clock)
     * @param binding the binding removed
     */
    record Expired(long timeNanos, long unixNanos, AnycastBinding binding) implements AgentEvent {
    }

    /**
     * A binding was dropped because a probe (a Binding Refresh Request) got no authenticated Binding Update in
     * time: a liveness probe of a binding with traffic, or the probe after an ICMPv6 Destination Unreachable for a
     * tunnelled packet (RFC 2473 §8). The responder crashed or lost its address.
     *
     * @param timeNanos when (monotonic)
     * @param unixNanos when (wall clock)
     * @param binding the binding removed
     */
    record Unreachable(long timeNanos, long unixNanos, AnycastBinding binding) implements AgentEvent {
    }

    /**
     * A binding was removed because a reload ({@link HomeAnycastAgent#replaceResponders}) withdrew its
     * responder's credentials or its authorisation for the anycast address.
     *
     * @param timeNanos when (monotonic)
     * @param unixNanos when (wall clock)
     * @param binding the binding removed
     */
    record Revoked(long timeNanos, long unixNanos, AnycastBinding binding) implements AgentEvent {
    }

    /**
     * A Binding Update was refused with a Binding Acknowledgement status, or dropped without one.
     *
     * @param timeNanos when (monotonic)
     * @param unixNanos when (wall clock)
     * @param from the BU's source address
     * @param status the BA status sent, or -1 when the BU was dropped silently
     * @param reason why, in a few words
     */
    record Rejected(long timeNanos, long unixNanos, Ipv6Address from, int status, String reason) implements AgentEvent {
    }
}
