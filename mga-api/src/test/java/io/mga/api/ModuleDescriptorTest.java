package io.mga.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

/**
 * The module descriptor of mga-api, as compiled: two exported packages (the value types and role SPIs, and the
 * binding store SPI), and nothing required but java.base.
 */
class ModuleDescriptorTest {
    @Test
    void exportsTheTwoPackagesAndRequiresOnlyTheJdkBase() throws IOException {
        ModuleDescriptor d;
        try (InputStream in = Bytes.class.getResourceAsStream("/module-info.class")) {
            assertThat(in).as("module-info.class in the classes of mga-api").isNotNull();
            d = ModuleDescriptor.read(in);
        }
        assertThat(d.name()).isEqualTo("io.mga.api");
        assertThat(d.exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactlyInAnyOrder("io.mga.api", "io.mga.api.store");
        assertThat(d.exports()).noneMatch(ModuleDescriptor.Exports::isQualified);
        assertThat(d.requires()).singleElement().satisfies(r -> assertThat(r.name()).isEqualTo("java.base"));
        assertThat(d.opens()).isEmpty();
    }

    /** Surefire runs these tests on the module path, inside io.mga.api with the test classes patched in. */
    @Test
    void testsRunInTheNamedModule() {
        assertThat(ModuleDescriptorTest.class.getModule().getName()).isEqualTo("io.mga.api");
    }
}
