package io.mga.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module descriptor of mga-engine, as compiled: users see the façade package only; the rooms are exported to
 * the benchmarks alone, and nothing is opened. A new package must be added here, exported or not, on purpose.
 */
class ModuleDescriptorTest {
    static ModuleDescriptor compiled() throws IOException {
        try (InputStream in = HomeAnycastAgent.class.getResourceAsStream("/module-info.class")) {
            assertThat(in).as("module-info.class in the classes of mga-engine").isNotNull();
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void exportsTheFacadesToEveryoneAndTheRoomsToTheBenchmarksOnly() throws IOException {
        ModuleDescriptor d = compiled();
        assertThat(d.name()).isEqualTo("io.mga.engine");
        Map<String, Set<String>> exports = d.exports().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Exports::source, ModuleDescriptor.Exports::targets));
        assertThat(exports).isEqualTo(Map.of("io.mga.engine", Set.of(), "io.mga.engine.persist", Set.of(),
                "io.mga.engine.store", Set.of(),
                "io.mga.engine.agent", Set.of("io.mga.bench"), "io.mga.engine.time", Set.of("io.mga.bench"),
                "io.mga.engine.mobility", Set.of("io.mga.bench"), "io.mga.engine.crypto", Set.of("io.mga.bench")));
        // (the fuzz tests' input folders are patched in as resource "packages"; packages of code are lower case)
        assertThat(HomeAnycastAgent.class.getModule().getPackages().stream().filter(n -> n.equals(n.toLowerCase()))
                .collect(Collectors.toSet())).as("every package, exported or not").isEqualTo(Set.of("io.mga.engine",
                "io.mga.engine.persist", "io.mga.engine.agent", "io.mga.engine.time", "io.mga.engine.mobility", "io.mga.engine.crypto",
                "io.mga.engine.responder", "io.mga.engine.initiator", "io.mga.engine.hash", "io.mga.engine.store"));
        assertThat(d.opens()).isEmpty();
    }

    @Test
    void requiresTheApiAndTheWireTransitivelyAndSlf4j() throws IOException {
        assertThat(compiled().requires().stream()
                .filter(r -> !r.name().equals("java.base"))
                .map(r -> r.name() + r.modifiers()))
                .containsExactlyInAnyOrder("io.mga.api[TRANSITIVE]", "io.mga.wire[TRANSITIVE]", "org.slf4j[]");
    }

    /** Surefire runs these tests on the module path, inside io.mga.engine with the test classes patched in. */
    @Test
    void testsRunInTheNamedModule() {
        Module m = HomeAnycastAgent.class.getModule();
        assertThat(m.getName()).isEqualTo("io.mga.engine");
        assertThat(ModuleDescriptorTest.class.getModule()).isSameAs(m);
        assertThat(m.isExported("io.mga.engine.agent")).as("not to everyone").isFalse();
    }
}
