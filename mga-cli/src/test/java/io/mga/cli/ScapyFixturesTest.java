package io.mga.cli;

import io.mga.pcapio.CaptureReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.link.LinkFrames;
import io.mga.wire.link.LinkType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The independent fixtures: packets built by Scapy ({@code tools/fixtures/gen_fixtures.py}), read through pcap4j,
 * decoded and rendered as {@code mga decode} does, and compared with the field values Scapy put in
 * ({@code manifest.json}), not with values read back from our decoder. Every valid packet must also re-encode to
 * exactly its octets.
 */
class ScapyFixturesTest {
    static final Path DIR = Path.of("..", "mga-wire", "src", "test", "resources", "fixtures");
    static final ObjectMapper MAPPER = new ObjectMapper();

    record Frame(LinkType link, int dlt, byte[] data, Instant time) {
    }

    static final Map<String, List<Frame>> FILES = new HashMap<>();

    static synchronized List<Frame> frames(String file) throws Exception {
        List<Frame> cached = FILES.get(file);
        if (cached != null) {
            return cached;
        }
        List<Frame> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(DIR.resolve(file))) {
            CaptureReader.Frame f;
            while ((f = r.next()) != null) {
                out.add(new Frame(r.linkType().orElse(null), r.linkTypeCode(), f.data(),
                        Instant.ofEpochSecond(f.epochSeconds(), f.nanos())));
            }
        }
        FILES.put(file, out);
        return out;
    }

    static Stream<Arguments> entries() throws Exception {
        JsonNode manifest = MAPPER.readTree(DIR.resolve("manifest.json").toFile());
        List<Arguments> out = new ArrayList<>();
        for (JsonNode e : manifest) {
            out.add(Arguments.of(e.get("file").asText() + "#" + e.get("frame").asInt() + " " + e.get("desc").asText(),
                    e));
        }
        return out.stream();
    }

    @Test
    void manifestCoversEveryFrameOfEveryFixture() throws Exception {
        JsonNode manifest = MAPPER.readTree(DIR.resolve("manifest.json").toFile());
        Map<String, Integer> counted = new HashMap<>();
        for (JsonNode e : manifest) {
            counted.merge(e.get("file").asText(), 1, Integer::sum);
        }
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path p : (Iterable<Path>) files.filter(p -> p.toString().matches(".*\\.pcap(ng)?$"))::iterator) {
                String name = p.getFileName().toString();
                assertThat(counted.get(name)).as(name).isEqualTo(frames(name).size());
            }
        }
        assertThat(manifest.size()).isGreaterThan(80);
    }

    /** Every protocol violation the decoder can name has a Scapy-built fixture that must report it. */
    @Test
    void everyProblemNameHasAFixture() throws Exception {
        JsonNode manifest = MAPPER.readTree(DIR.resolve("manifest.json").toFile());
        java.util.Set<String> named = new java.util.HashSet<>();
        for (JsonNode e : manifest) {
            for (JsonNode p : e.path("expect").path("problems")) {
                named.add(p.get("name").asText());
            }
        }
        assertThat(named).containsExactlyInAnyOrderElementsOf(io.mga.wire.Problems.NAMES);
        String doc = Files.readString(Path.of("..", "docs", "decode-output.md"));
        for (String n : io.mga.wire.Problems.NAMES) {
            assertThat(doc).as("docs/decode-output.md lists %s", n).contains("`" + n + "`");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void decodesAsScapyBuiltIt(String name, JsonNode entry) throws Exception {
        List<Frame> frames = frames(entry.get("file").asText());
        Frame f = frames.get(entry.get("frame").asInt() - 1);
        ObjectNode rendered = new PacketJson(MAPPER).frame(entry.get("frame").asInt(), f.time(), f.link(), f.dlt(),
                f.data());
        // re-read so that numbers have the same node types on both sides
        JsonNode actual = MAPPER.readTree(MAPPER.writeValueAsString(rendered));
        boolean valid = entry.get("valid").asBoolean();
        assertThat(actual.get("valid").asBoolean()).as("valid; got %s", actual).isEqualTo(valid);
        if (!valid) {
            JsonNode err = entry.get("error");
            Iterator<Map.Entry<String, JsonNode>> it = err.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> kv = it.next();
                assertThat(actual.path("error").path(kv.getKey())).as("error.%s in %s", kv.getKey(), actual)
                        .isEqualTo(kv.getValue());
            }
        }
        if (entry.has("expect")) {
            List<String> problems = new ArrayList<>();
            subset("", entry.get("expect"), actual, problems);
            if (!problems.isEmpty()) {
                fail(String.join("\n", problems) + "\nactual: " + actual.toPrettyString());
            }
        }
        if (valid) {
            int off = LinkFrames.ipv6Offset(f.link(), f.data(), f.data().length);
            Ipv6Packet p = PacketDecoder.decode(f.data(), off, f.data().length - off);
            byte[] again = PacketEncoder.encode(p);
            byte[] original = java.util.Arrays.copyOfRange(f.data(), off, off + p.wireLength());
            assertThat(again).as("encode(decode(bytes)) == bytes").isEqualTo(original);
            assertThat(PacketDecoder.decode(again)).as("decode(encode(x)) == x").isEqualTo(p);
        }
    }

    /** Every key of {@code expected} must be in {@code actual} with an equal value; arrays element by element. */
    static void subset(String path, JsonNode expected, JsonNode actual, List<String> problems) {
        if (expected.isObject()) {
            if (!actual.isObject()) {
                problems.add(path + ": expected an object, got " + actual);
                return;
            }
            Iterator<Map.Entry<String, JsonNode>> it = expected.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> kv = it.next();
                if (!actual.has(kv.getKey())) {
                    problems.add(path + "." + kv.getKey() + ": missing");
                } else {
                    subset(path + "." + kv.getKey(), kv.getValue(), actual.get(kv.getKey()), problems);
                }
            }
        } else if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                problems.add(path + ": expected " + expected.size() + " elements, got " + actual);
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                subset(path + "[" + i + "]", expected.get(i), actual.get(i), problems);
            }
        } else if (expected.isNumber() && actual.isNumber()) {
            if (expected.bigIntegerValue().compareTo(actual.bigIntegerValue()) != 0) {
                problems.add(path + ": expected " + expected + ", got " + actual);
            }
        } else if (!expected.equals(actual)) {
            problems.add(path + ": expected " + expected + ", got " + actual);
        }
    }
}
