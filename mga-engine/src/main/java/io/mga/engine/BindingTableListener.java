package io.mga.engine;

import io.mga.api.AnycastBinding;
import io.mga.api.Ipv6Address;
import java.util.List;

/**
 * What a data plane outside the agent (a kernel one: mga-kernel) needs to mirror the agent's forwarding state:
 * every change of an anycast address's bindings that changes where packets go, and the Flow Label secrets of its
 * tunnels. Called on the agent's thread, synchronously, inside the {@code receive} or {@code doWork} that made the
 * change, so a mirror that writes its tables here is up to date when that call returns. Keep it quick.
 *
 * <p>Set with {@link HomeAnycastAgent#bindingTableListener}, which first reports the secrets and every anycast
 * address that has bindings then (a mirror starting on a running agent rebuilds from that), then calls
 * {@link #replayed()}.
 */
public interface BindingTableListener {
    /**
     * The bindings of an anycast address changed: a registration, a refresh that changed the care-of address,
     * weight or load, a Basic Model overwrite, a deregistration, an expiry, or a binding dropped after a tunnel
     * error. Refreshes that change nothing but the lifetime are not reported.
     *
     * @param anycast the anycast address
     * @param bindings its live bindings now, ordered by Binding ID (empty: none left)
     */
    void bindingsChanged(Ipv6Address anycast, List<AnycastBinding> bindings);

    /**
     * The secret of the tunnels' outer Flow Labels, at start and at each rotation: label = ((inner source high ^
     * low ^ care-of high ^ low ^ secret) * multiplier) &gt;&gt;&gt; 44, 20 bits. A data plane that tunnels must
     * write the same labels, or the agent takes the ICMPv6 errors about its tunnels for forgeries.
     *
     * @param secret the secret
     * @param multiplier the odd multiplier
     */
    void tunnelLabelSecret(long secret, long multiplier);

    /**
     * Everything the agent held when the listener was set has been reported: from here the mirror is complete and
     * follows the agent change by change. A data plane that was forwarding before (an agent restarted from its
     * saved bindings, whose program is attached before the agent's thread reports them) should leave to the agent
     * what its tables do not know until this call, instead of dropping it. Called once, by
     * {@link HomeAnycastAgent#bindingTableListener}; the default does nothing.
     */
    default void replayed() {
    }
}
