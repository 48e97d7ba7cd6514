package io.mga.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mga.cli.control.ControlServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mga status}: what a running role holds, read from its control socket. */
@Command(name = "status", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Shows what a running mga haa or mga responder holds: bindings (responder, Binding ID,"
                + " care-of address, remaining lifetime, weight/load, pins), accepted responders (never keys) or"
                + " registrations, and counters. It reads the role's control socket (mode 0600: run it as the"
                + " role's user or root).",
            "Exit status: 0, or 1 when no role answers."})
final class StatusCommand implements Callable<Integer> {
    /** The most a status answer may be: a full binding cache in JSON is far below it. */
    static final int MAX_ANSWER = 64 << 20;

    @Option(names = "--json", description = "print the role's JSON object as it is (fields in docs/config.md)")
    boolean json;

    @Option(names = "--control-socket", paramLabel = "PATH",
            description = "the role's socket (default: the only socket in /run/mga)")
    Path socket;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path p = socket;
        if (p == null) {
            Path dir = ControlServer.defaultPath("x", "y").getParent();
            List<Path> found = new ArrayList<>();
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(f -> f.getFileName().toString().endsWith(".sock")).sorted().forEach(found::add);
                }
            }
            if (found.size() != 1) {
                err.println("mga status: " + (found.isEmpty() ? "no role's socket in " + dir + ": is a role running?"
                        : "several roles run (" + found + "): choose one with --control-socket"));
                err.flush();
                return 1;
            }
            p = found.get(0);
        }
        byte[] answer;
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(p));
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (c.read(buf) >= 0) {
                b.write(buf.array(), 0, buf.position());
                buf.clear();
                if (b.size() > MAX_ANSWER) {
                    throw new IOException("the answer is larger than " + MAX_ANSWER + " octets");
                }
            }
            answer = b.toByteArray();
        } catch (IOException e) {
            err.println("mga status: cannot read " + p + ": " + RoleCommands.oneLine(e.getMessage()));
            err.flush();
            return 1;
        }
        if (json) {
            out.print(new String(answer, StandardCharsets.UTF_8));
            out.flush();
            return 0;
        }
        JsonNode s = new ObjectMapper().readTree(answer);
        if (s.has("error")) {
            err.println("mga status: the role did not answer: " + s.get("error").asText());
            err.flush();
            return 1;
        }
        print(out, s);
        out.flush();
        return 0;
    }

    static void print(PrintWriter out, JsonNode s) {
        out.printf("%s on %s, address %s, up %d s, at %s%n", s.path("role").asText(), s.path("interfaceName").asText(),
                s.path("address").asText(), s.path("uptimeSeconds").asLong(), s.path("time").asText());
        if (s.has("dataPlane")) {
            out.printf("data plane: %s%n", s.path("dataPlane").asText());
        }
        if (s.has("bindings")) {
            out.printf("bindings: %d, pins: %d%n", s.get("bindings").size(), s.path("pins").asInt());
            if (s.get("bindings").size() > 0) {
                out.printf("  %-24s %-24s %6s %-28s %9s %6s %6s %5s%n", "anycast", "responder", "bid", "care-of",
                        "remaining", "weight", "load", "pins");
            }
            for (JsonNode b : s.get("bindings")) {
                out.printf("  %-24s %-24s %6d %-28s %8ds %6d %6d %5d%n", b.path("anycast").asText(),
                        b.path("responder").asText(), b.path("bindingId").asInt(), b.path("careOf").asText(),
                        b.path("remainingSeconds").asLong(), b.path("weight").asInt(), b.path("load").asInt(),
                        b.path("pins").asInt());
            }
        }
        if (s.has("store")) {
            JsonNode st = s.get("store");
            out.printf("store: %s, %s, revision %d, applied %d, lag %d, writes waiting %d (%s)%n",
                    st.path("kind").asText(), st.path("connected").asBoolean() ? "connected" : "NOT CONNECTED",
                    st.path("revision").asLong(), st.path("appliedRevision").asLong(), st.path("lag").asLong(),
                    st.path("pendingWrites").asInt(), st.path("detail").asText());
        }
        if (s.has("responders")) {
            out.printf("responders accepted: %d%n", s.get("responders").size());
            for (JsonNode r : s.get("responders")) {
                out.printf("  %s SPI %d may serve %s%n", r.path("identity").asText(), r.path("spi").asLong(),
                        r.path("mayServe"));
            }
        }
        if (s.has("registrations")) {
            for (JsonNode r : s.get("registrations")) {
                out.printf("agent %s: %s%n", r.path("agent").asText(), r.path("state").asText());
            }
        }
        out.println("counters:");
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("counters").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> c = it.next();
            out.printf("  %-22s %d%n", c.getKey(), c.getValue().asLong());
        }
    }
}
