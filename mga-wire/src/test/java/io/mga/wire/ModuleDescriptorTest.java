package io.mga.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.wire.fast.Ipv6View;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module descriptor of mga-wire, as compiled: what users and the modules above (mga-engine, mga-pcap-io, the
 * simulator) may call is exported to everyone, nothing else is, and the API's types come with it
 * ({@code requires transitive io.mga.api}). A new package must be added here, exported or not, on purpose.
 */
class ModuleDescriptorTest {
    static ModuleDescriptor compiled() throws IOException {
        try (InputStream in = Ipv6View.class.getResourceAsStream("/module-info.class")) {
            assertThat(in).as("module-info.class in the classes of mga-wire").isNotNull();
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void exportsExactlyThePublicPackagesToEveryone() throws IOException {
        ModuleDescriptor d = compiled();
        assertThat(d.name()).isEqualTo("io.mga.wire");
        assertThat(d.exports()).allMatch(e -> !e.isQualified(), "unqualified");
        assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .isEqualTo(Set.of("io.mga.wire", "io.mga.wire.fast", "io.mga.wire.link", "io.mga.wire.mga"));
        assertThat(d.opens()).isEmpty();
    }

    @Test
    void requiresTheApiTransitivelyAndNothingElse() throws IOException {
        assertThat(compiled().requires().stream()
                .filter(r -> !r.name().equals("java.base"))
                .map(r -> r.name() + r.modifiers()))
                .containsExactly("io.mga.api[TRANSITIVE]");
    }

    /** Surefire runs these tests on the module path, inside io.mga.wire with the test classes patched in. */
    @Test
    void testsRunInTheNamedModule() {
        assertThat(Ipv6View.class.getModule().getName()).isEqualTo("io.mga.wire");
        assertThat(ModuleDescriptorTest.class.getModule()).isSameAs(Ipv6View.class.getModule());
        assertThat(Ipv6View.class.getModule().isExported("io.mga.wire.fast")).isTrue();
    }
}
