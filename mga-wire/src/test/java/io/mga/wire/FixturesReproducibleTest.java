package io.mga.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed Scapy fixtures are exactly what {@code tools/fixtures/gen_fixtures.py} makes: the script is run
 * again with Debian's python3 and python3-scapy (installed by scripts/install-test-deps.sh) and every file must be
 * byte-identical. This fails, rather than skips, when Scapy is missing.
 */
class FixturesReproducibleTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void regeneratingGivesTheCommittedFiles(@TempDir Path out) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", ROOT.resolve("tools/fixtures/gen_fixtures.py").toString(),
                out.toString()).redirectErrorStream(true).redirectOutput(out.resolve("log.txt").toFile()).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("generator finished").isTrue();
        assertThat(p.exitValue()).as("generator exit status; log: %s", Files.readString(out.resolve("log.txt")))
                .isZero();
        Path committed = ROOT.resolve("mga-wire/src/test/resources/fixtures");
        List<Path> files;
        try (Stream<Path> s = Files.list(committed)) {
            files = s.sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(5);
        for (Path f : files) {
            Path regenerated = out.resolve(f.getFileName());
            assertThat(regenerated).as("regenerated %s", f.getFileName()).exists();
            assertThat(Files.readAllBytes(regenerated)).as("%s", f.getFileName()).isEqualTo(Files.readAllBytes(f));
        }
    }
}
