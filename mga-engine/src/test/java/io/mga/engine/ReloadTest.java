package io.mga.engine;

import static io.mga.engine.World.AA;
import static io.mga.engine.World.HAA;
import static io.mga.engine.World.S;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mga.api.AnycastBinding;
import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.ResponderCredentials;
import io.mga.sim.PlainHost;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent's responders replaced at run time (an operator's reload), in virtual time. */
class ReloadTest {

    @Test
    void addingACredentialDropsNoBindingAndTheNewResponderRegisters() {
        World w = new World(3);
        w.agent(Model.ADVANCED, Policies.first(), 1800, World.cred(1), World.cred(2));
        AnycastResponder ar1 = w.responder(1, 1, 300);
        AnycastResponder ar2 = w.responder(2, 2, 300);
        AnycastResponder ar3 = w.responder(3, 3, 300);
        w.start(ar1);
        w.start(ar2);
        w.net.runFor(S);
        List<AnycastBinding> before = w.haa.bindings(AA);
        assertThat(before).hasSize(2);
        int revoked = w.haa.replaceResponders(List.of(World.cred(1), World.cred(2), World.cred(3)), w.net.now());
        assertThat(revoked).isZero();
        assertThat(w.haa.bindings(AA)).as("the same bindings, same expiry: nothing re-registered").isEqualTo(before);
        w.start(ar3);
        w.net.runFor(S);
        assertThat(w.haa.bindings(AA)).extracting(AnycastBinding::bindingId).containsExactly(1, 2, 3);
        // the kept bindings refresh under the new list as before (replay state kept per SPI)
        w.net.runFor(400 * S);
        assertThat(w.haa.bindings(AA)).hasSize(3);
        assertThat(w.events).noneMatch(e -> e instanceof AgentEvent.Expired || e instanceof AgentEvent.Revoked);
        assertThat(ar1.state(HAA)).isEqualTo(AnycastResponder.State.REGISTERED);
    }

    @Test
    void aWithdrawnCredentialsBindingGoesAtOnceAndItsRefreshIsNoLongerAccepted() {
        World w = new World(4);
        w.agent(Model.ADVANCED, Policies.first(), 1800, World.cred(1), World.cred(2));
        AnycastResponder ar1 = w.responder(1, 1, 300);
        AnycastResponder ar2 = w.responder(2, 2, 300);
        PlainHost ai = w.initiator("ai1", Ipv6Address.parse("2001:db8:c::10"));
        w.start(ar1);
        w.start(ar2);
        w.net.runFor(S);
        assertThat(w.ask(ai, "a")).isEqualTo("ar1:a");
        int revoked = w.haa.replaceResponders(List.of(World.cred(2)), w.net.now());
        assertThat(revoked).isEqualTo(1);
        assertThat(w.events).anyMatch(e -> e instanceof AgentEvent.Revoked r && r.binding().bindingId() == 1);
        assertThat(w.haa.bindings(AA)).extracting(AnycastBinding::responder).containsExactly("ar2@example.net");
        assertThat(w.ask(ai, "b")).isEqualTo("ar2:b");
        w.net.runFor(400 * S); // ar1's refreshes carry an SPI the agent no longer knows
        assertThat(w.haa.bindings(AA)).extracting(AnycastBinding::responder).containsExactly("ar2@example.net");
    }

    @Test
    void aNarrowedAuthorisationRevokesOnlyWhatItNoLongerCovers() {
        World w = new World(5);
        w.agent(Model.ADVANCED, Policies.first(), 1800, World.cred(1));
        AnycastResponder ar1 = w.responder(1, 1, 300);
        w.start(ar1);
        w.net.runFor(S);
        ResponderCredentials c = World.cred(1);
        ResponderCredentials elsewhere = new ResponderCredentials(c.identity(), c.spi(), c.key(),
                List.of(Ipv6Prefix.parse("2001:db8:ffff::/48")));
        assertThat(w.haa.replaceResponders(List.of(elsewhere), w.net.now())).isEqualTo(1);
        assertThat(w.haa.bindingCount()).isZero();
    }

    @Test
    void aReloadWithTwoCredentialsOnOneSpiChangesNothing() {
        World w = new World(6);
        w.agent(Model.ADVANCED, Policies.first(), 1800, World.cred(1));
        AnycastResponder ar1 = w.responder(1, 1, 300);
        w.start(ar1);
        w.net.runFor(S);
        ResponderCredentials twin = new ResponderCredentials("other@example.net", World.cred(1).spi(),
                Bytes.fromHex("ffeeddccbbaa99887766554433221100"), List.of(World.ANYCAST_PREFIX));
        assertThatThrownBy(() -> w.haa.replaceResponders(List.of(World.cred(1), twin), w.net.now()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SPI");
        assertThat(w.haa.bindingCount()).isEqualTo(1);
        assertThat(w.haa.responders()).containsExactly(World.cred(1));
    }

    @Test
    void allBindingsListsEveryBindingWithItsPins() {
        World w = new World(7);
        w.agent(Model.ADVANCED, Policies.roundRobin(), 1800, World.cred(1), World.cred(2));
        AnycastResponder ar1 = w.responder(1, 1, 300);
        AnycastResponder ar2 = w.responder(2, 2, 300);
        w.start(ar1);
        w.start(ar2);
        w.net.runFor(S);
        for (int i = 0; i < 3; i++) {
            w.ask(w.initiator("ai" + i, Ipv6Address.parse("2001:db8:c::1" + i)), "x");
        }
        List<HomeAnycastAgent.PinnedBinding> all = w.haa.allBindings();
        assertThat(all).extracting(p -> p.binding().responder()).containsExactlyInAnyOrder("ar1@example.net",
                "ar2@example.net");
        assertThat(all.stream().mapToInt(HomeAnycastAgent.PinnedBinding::pins).sum()).isEqualTo(w.haa.pinCount())
                .isEqualTo(3);
    }
}
