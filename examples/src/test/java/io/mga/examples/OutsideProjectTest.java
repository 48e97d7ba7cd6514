package io.mga.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mga used as a user would: the freshly built jars are installed into the local Maven repository (what
 * {@code mvn install} does), then an outside project that knows mga only by its coordinates
 * ({@code io.mga:mga-engine}, {@code io.mga:mga-sim}, {@code io.mga:mga-pcap-io}, 0.1.0-SNAPSHOT) copies the
 * example sources, builds with Maven, and runs the failover walk-through.
 */
class OutsideProjectTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String VERSION = "0.1.0-SNAPSHOT";

    static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("finished: %s", String.join(" ", cmd)).isTrue();
        assertThat(p.exitValue()).as("%s%n%s", String.join(" ", cmd), out).isZero();
        return out;
    }

    static void install(Path pom, Path file) throws Exception {
        run(ROOT, "mvn", "-B", "-q", "-N", "org.apache.maven.plugins:maven-install-plugin:3.1.3:install-file",
                "-Dfile=" + file, "-DpomFile=" + pom);
    }

    @Test
    void anOutsideProjectBuildsAgainstMgaAndRunsAnExample(@TempDir Path dir) throws Exception {
        install(ROOT.resolve("pom.xml"), ROOT.resolve("pom.xml"));
        for (String m : List.of("mga-api", "mga-wire", "mga-sim", "mga-engine", "mga-pcap-io")) {
            Path jar = ROOT.resolve(m).resolve("target").resolve(m + "-" + VERSION + ".jar");
            assertThat(jar).as("built by the reactor before this test").exists();
            install(ROOT.resolve(m).resolve("pom.xml"), jar);
        }
        Path src = dir.resolve("src/main/java/io/mga/examples");
        Files.createDirectories(src);
        for (String f : List.of("Sim", "AnycastAgentExample", "UdpAnycastServiceExample", "AnycastClientExample",
                "FailoverWalkthrough")) {
            Files.copy(ROOT.resolve("examples/src/main/java/io/mga/examples/" + f + ".java"), src.resolve(f + ".java"));
        }
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>my-anycast-app</artifactId>
                  <version>1.0</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                    <dependency><groupId>io.mga</groupId><artifactId>mga-engine</artifactId><version>%1$s</version></dependency>
                    <dependency><groupId>io.mga</groupId><artifactId>mga-sim</artifactId><version>%1$s</version></dependency>
                    <dependency><groupId>io.mga</groupId><artifactId>mga-pcap-io</artifactId><version>%1$s</version></dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>3.13.0</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(VERSION));
        run(dir, "mvn", "-B", "-q", "compile", "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
                "-Dmdep.outputFile=cp.txt");
        String cp = "target/classes:" + Files.readString(dir.resolve("cp.txt")).trim();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, "io.mga.examples.FailoverWalkthrough"));
        String out = run(dir, cmd.toArray(String[]::new));
        assertThat(out).contains("failed over to the other responder");
    }
}
