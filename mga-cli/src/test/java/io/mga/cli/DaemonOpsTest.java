package io.mga.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mga.api.Role;
import io.mga.cli.config.ConfigException;
import io.mga.cli.config.ConfigFile;
import io.mga.cli.config.KeyFile;
import io.mga.cli.control.ControlServer;
import io.mga.cli.control.Snapshot;
import io.mga.cli.control.Snapshots;
import io.mga.cli.log.EventLog;
import io.mga.cli.log.Level;
import io.mga.cli.metrics.MetricsServer;
import io.mga.pcapio.runner.RoleRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The operator's side of the role commands: config and key files, validation, status socket, metrics, logs. */
class DaemonOpsTest {
    static final String KEY = "00112233445566778899aabbccddeeff";

    @TempDir
    Path dir;

    Path keyFile(String name, String mode, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    Path config(String text) throws IOException {
        Path p = dir.resolve("role.toml");
        Files.writeString(p, text);
        return p;
    }

    static RoleCommandsTest.Run run(String... args) {
        return RoleCommandsTest.run(args);
    }

    // ---- key files

    @Test
    void aKeyFileOfMode0600OrStricterIsRead() throws Exception {
        assertThat(KeyFile.read(keyFile("a.key", "rw-------", "# ar1\n" + KEY + "\n")).toHex()).isEqualTo(KEY);
        assertThat(KeyFile.read(keyFile("b.key", "r--------", KEY)).length()).isEqualTo(16);
    }

    @Test
    void aKeyFileReadableByOthersIsRefusedNamingTheFile() throws Exception {
        Path p = keyFile("open.key", "rw-r--r--", KEY);
        assertThat(message(p)).isEqualTo("key file " + p + " has mode 0644 (rw-r--r--): readable by others; make it"
                + " 0600 or stricter (chmod 600 " + p + ")");
        assertThat(message(keyFile("group.key", "rw-r-----", KEY))).contains("mode 0640");
        assertThat(message(keyFile("exec.key", "rwx------", KEY))).contains("mode 0700");
    }

    @Test
    void missingShortOrMalformedKeyFilesAreRefusedInOneLine() throws Exception {
        Path missing = dir.resolve("none.key");
        assertThat(message(missing)).isEqualTo("key file " + missing + ": no such file");
        assertThat(message(keyFile("short.key", "rw-------", "0011"))).contains("at least 16 octets");
        assertThat(message(keyFile("text.key", "rw-------", "not a key at all"))).contains("not a key in hex");
    }

    static String message(Path p) {
        try {
            KeyFile.read(p);
            return "read";
        } catch (ConfigException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage();
        }
    }

    // ---- the configuration file

    static CommandLine.Model.CommandSpec spec(String command) {
        return Main.commandLine().getSubcommands().get(command).getCommandSpec();
    }

    @Test
    void everyResponderOptionIsSettableFromTheFile() throws Exception {
        Path k = keyFile("ar1.key", "rw-------", KEY);
        Path c = config("""
                interface = "eth1"
                address = "2001:db8:b::10"
                router = "2001:db8:b::fe"
                router-mac = "aa:bb:cc:dd:ee:ff"
                anycast = "2001:db8:a::53"
                agent = ["2001:db8:a::1", "2001:db8:a::2"]
                shared-agent = ["2001:db8:a::3"]
                nai = "ar1@example.net"
                spi = 1001
                key-file = "%s"
                bid = 7
                lifetime = 60
                udp-echo = 5300
                no-route-optimisation = true
                log-level = "DEBUG"
                control-socket = "/tmp/x.sock"
                metrics = "127.0.0.1:9353"
                deliver = "host"
                tun = "mga1"
                mtu = 9000
                table = 77
                stats = 5
                """.formatted(k));
        CommandLine sub = new CommandLine(new RoleCommands.Responder());
        List<String> args = ConfigFile.arguments(c, sub.getCommandSpec(), Set.of());
        sub.parseArgs(args.toArray(String[]::new));
        RoleCommands.Responder r = sub.getCommand();
        assertThat(r.link.iface).isEqualTo("eth1");
        assertThat(r.link.address).hasToString("2001:db8:b::10");
        assertThat(r.link.router).hasToString("2001:db8:b::fe");
        assertThat(r.link.routerMac).hasToString("aa:bb:cc:dd:ee:ff");
        assertThat(r.anycast).hasToString("2001:db8:a::53");
        assertThat(r.agents).hasSize(2);
        assertThat(r.sharedAgents).hasToString("[2001:db8:a::3]");
        assertThat(r.nai).isEqualTo("ar1@example.net");
        assertThat(r.spi).isEqualTo(1001);
        assertThat(r.keyFile).isEqualTo(k);
        assertThat(r.bid).isEqualTo(7);
        assertThat(r.lifetime).isEqualTo(60);
        assertThat(r.port).isEqualTo(5300);
        assertThat(r.noRo).isTrue();
        assertThat(r.daemon.logLevel).isEqualTo(Level.DEBUG);
        assertThat(r.daemon.controlSocket).isEqualTo("/tmp/x.sock");
        assertThat(r.daemon.metrics).isEqualTo("127.0.0.1:9353");
        assertThat(r.deliver).isEqualTo("host");
        assertThat(r.tunName).isEqualTo("mga1");
        assertThat(r.mtu).isEqualTo(9000);
        assertThat(r.table).isEqualTo(77);
        assertThat(r.stats).isEqualTo(5);
        // every option of the command but --config, --help, --version and --key was in the file
        assertThat(ConfigFile.keys(sub.getCommandSpec()).split(", ")).containsExactlyInAnyOrder("interface",
                "address", "router", "router-mac", "anycast", "agent", "shared-agent", "nai", "spi", "key-file", "key", "bid",
                "lifetime", "udp-echo", "no-route-optimisation", "log-level", "control-socket", "metrics", "deliver",
                "tun", "mtu", "table", "stats");
    }

    @Test
    void everyAgentOptionIsSettableFromTheFileAndFlagsOverrideIt() throws Exception {
        Path k = keyFile("ar1.key", "rw-------", KEY);
        Path c = config("""
                interface = "eth0"
                address = "2001:db8:a::1"
                router = "2001:db8:a::fe"
                anycast = ["2001:db8:a::53/128", "2001:db8:a::54/128"]
                responder = ["ar1@example.net,1001,@%s", "ar2@example.net,1002,@%s,2001:db8:a::54/128"]
                model = "Basic"
                policy = "Weighted"
                max-lifetime = 600
                peer = ["2001:db8:a::2"]
                store = "etcd"
                etcd-endpoints = ["http://[2001:db8:a::10]:2379", "http://[2001:db8:a::11]:2379"]
                etcd-prefix = "/site1"
                etcd-ca = "/etc/mga/etcd-ca.pem"
                etcd-cert = "/etc/mga/agent.pem"
                etcd-key = "/etc/mga/agent.key"
                etcd-user = "mga"
                etcd-password-file = "/etc/mga/etcd.password"
                """.formatted(k, k));
        CommandLine sub = new CommandLine(new RoleCommands.Haa());
        List<String> args = new java.util.ArrayList<>(ConfigFile.arguments(c, sub.getCommandSpec(),
                Set.of("--max-lifetime", "--peer")));
        args.add("--max-lifetime=900");
        sub.parseArgs(args.toArray(String[]::new));
        RoleCommands.Haa h = sub.getCommand();
        assertThat(h.anycast).hasSize(2);
        assertThat(h.responders).hasSize(2);
        assertThat(h.model).isEqualTo(io.mga.api.Model.BASIC);
        assertThat(h.policy).isNotNull();
        assertThat(h.maxLifetime).as("the command line wins").isEqualTo(900);
        assertThat(h.store.kind).isEqualTo("etcd");
        assertThat(h.store.endpoints).hasSize(2);
        assertThat(h.store.prefix).isEqualTo("/site1");
        assertThat(h.store.ca).hasToString("/etc/mga/etcd-ca.pem");
        assertThat(h.store.cert).hasToString("/etc/mga/agent.pem");
        assertThat(h.store.key).hasToString("/etc/mga/agent.key");
        assertThat(h.store.user).isEqualTo("mga");
        assertThat(h.store.passwordFile).hasToString("/etc/mga/etcd.password");
        assertThat(h.peers).as("a repeatable option given on the command line is not taken from the file").isEmpty();
        assertThat(RoleCommands.credentials(sub, h.responders, h.anycast)).extracting(x -> x.key().toHex())
                .containsOnly(KEY);
        assertThat(RoleCommands.effective(sub.getCommandSpec())).contains("--responder=ar1@example.net,1001,@" + k)
                .contains("--model=BASIC").contains("--max-lifetime=900").doesNotContain(KEY);
    }

    @Test
    void badConfigurationFilesAreRefusedWithExit2NamingFileAndKey() throws Exception {
        Path c = config("interfce = \"eth0\"\n");
        RoleCommandsTest.Run r = run("haa", "--config=" + c);
        RoleCommandsTest.oneLine(r, 2, "config " + c, "unknown key 'interfce'", "keys are its long options");
        config("key = \"" + KEY + "\"\n");
        RoleCommandsTest.oneLine(run("responder", "--config", c.toString()), 2, "'key' does not go in a configuration"
                + " file");
        config("responder = [\"a@b,1000," + KEY + "\"]\n");
        RoleCommandsTest.oneLine(run("haa", "--config=" + c), 2, "a responder's key does not go in");
        config("bid = [1, 2]\n");
        RoleCommandsTest.oneLine(run("responder", "--config=" + c), 2, "'bid' takes one value");
        config("no-route-optimisation = \"yes\"\n");
        RoleCommandsTest.oneLine(run("responder", "--config=" + c), 2, "is a flag: true or false");
        config("bid = \n");
        RoleCommandsTest.oneLine(run("responder", "--config=" + c), 2, "not valid TOML", "(line 1)");
        RoleCommandsTest.oneLine(run("responder", "--config=" + dir.resolve("none.toml")), 2, "no such file");
        // a value from the file is checked as the flag's would be
        config("udp-echo = 70000\n");
        Path k = keyFile("k", "rw-------", KEY);
        RoleCommandsTest.oneLine(run("responder", "--config=" + c, "--interface=lo", "--address=2001:db8::2",
                "--router=2001:db8::1", "--anycast=2001:db8:a::53", "--agent=2001:db8:a::1", "--nai=a@b",
                "--spi=1000", "--key-file=" + k), 2, "--udp-echo: 70000 is out of range: 1 to 65535");
    }

    @Test
    void anUnsafeKeyFileStopsTheCommandWithOneLineNamingIt() throws Exception {
        Path k = keyFile("open.key", "rw-rw-rw-", KEY);
        RoleCommandsTest.oneLine(run("haa", "--interface=lo", "--address=2001:db8:a::1", "--router=2001:db8:a::fe",
                "--anycast=2001:db8:a::53/128", "--responder=a@b,1000,@" + k), 2, "--responder: key file " + k,
                "mode 0666");
        RoleCommandsTest.oneLine(run("responder", "--interface=lo", "--address=2001:db8::2", "--router=2001:db8::1",
                "--anycast=2001:db8:a::53", "--agent=2001:db8:a::1", "--nai=a@b", "--spi=1000", "--key-file=" + k), 2,
                "--key-file: key file " + k);
    }

    // ---- validation and help

    static final String[] RESPONDER = {"responder", "--interface=lo", "--address=2001:db8::2", "--router=2001:db8::1",
        "--agent=2001:db8:a::1", "--nai=a@b", "--spi=1000", "--key=" + KEY};

    static String[] responder(String... more) {
        String[] a = java.util.Arrays.copyOf(RESPONDER, RESPONDER.length + more.length);
        System.arraycopy(more, 0, a, RESPONDER.length, more.length);
        return a;
    }

    @Test
    void badValuesExit2NamingTheOptionAndWhatIsAccepted() {
        RoleCommandsTest.oneLine(run(responder("--anycast=fe80::1")), 2, "--anycast", "link-local", "global unicast");
        RoleCommandsTest.oneLine(run(responder("--anycast=ff02::1")), 2, "--anycast", "multicast");
        RoleCommandsTest.oneLine(run(responder("--anycast=2001:db8:a::53", "--udp-echo=70000")), 2,
                "--udp-echo: 70000 is out of range: 1 to 65535");
        RoleCommandsTest.oneLine(run(responder("--anycast=2001:db8:a::53", "--bid=70000")), 2, "--bid", "0 to 65535");
        RoleCommandsTest.oneLine(run(responder("--anycast=2001:db8:a::53", "--lifetime=2")), 2, "--lifetime",
                "4 to 262140");
        RoleCommandsTest.oneLine(run("initiator", "--interface=lo", "--address=2001:db8::3", "--router=2001:db8::1",
                "--anycast=2001:db8:a::53", "--count=-1"), 2, "--count: -1 is out of range: 1 to");
        RoleCommandsTest.oneLine(run("initiator", "--interface=lo", "--address=2001:db8::3", "--router=2001:db8::1",
                "--anycast=2001:db8:a::53", "--port=0"), 2, "--port: 0 is out of range: 1 to 65535");
        RoleCommandsTest.oneLine(run("haa", "--interface=lo", "--address=2001:db8:a::1", "--router=2001:db8:a::fe",
                "--anycast=ff05::1/128", "--responder=a@b,1000," + KEY), 2, "--anycast", "multicast");
        RoleCommandsTest.oneLine(run("haa", "--interface=lo", "--address=2001:db8:a::1", "--router=2001:db8:a::fe",
                "--anycast=2001:db8:a::53/128", "--responder=a@b,1000," + KEY, "--model=medium"), 2, "--model",
                "basic or advanced");
        RoleCommandsTest.oneLine(run("haa", "--interface=lo", "--address=2001:db8:a::1", "--router=2001:db8:a::fe",
                "--anycast=2001:db8:a::53/128", "--responder=a@b,1000," + KEY, "--metrics=localhost"), 2,
                "--metrics", "ADDR:PORT");
        RoleCommandsTest.oneLine(run("haa", "--interface=lo", "--address=2001:db8:a::1", "--router=2001:db8:a::fe",
                "--anycast=2001:db8:a::53/128", "--responder=a@b,1000," + KEY, "--log-level=loud"), 2,
                "--log-level", "error, warn, info or debug");
        RoleCommandsTest.oneLine(run(responder("--anycast=2001:db8:a::53", "--key-file=/nonexistent")), 2,
                "--key and --key-file: give one of them");
    }

    @Test
    void aNonEthernetInterfaceIsRefusedAfterCaseInsensitiveValuesAreAccepted() {
        Path lo = Path.of("/sys/class/net/lo/type");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(lo), "needs Linux /sys");
        RoleCommandsTest.Run r = run("haa", "--interface=lo", "--address=2001:db8:a::1", "--router=2001:db8:a::fe",
                "--anycast=2001:db8:a::53/128", "--responder=a@b,1000," + KEY, "--model=Basic", "--policy=Round-Robin",
                "--log-level=WARN");
        RoleCommandsTest.oneLine(r, 2, "--interface: lo is not an Ethernet interface (link type 772, loopback)");
        assertThat(r.err()).doesNotContain("java.").doesNotContain("Exception");
    }

    @Test
    void helpShowsEveryDefaultAndWarnsThatCommandLineKeysShowInPs() {
        String responder = run("responder", "--help").out().replaceAll("\\s+", " ");
        assertThat(responder).contains("--bid=ID").contains("Default: 1 ").contains("Default: 300")
                .contains("Default: 5353").contains("every user of the host sees it in ps").contains("--key-file=FILE")
                .contains("--log-level=LEVEL").contains("Default: info").contains("--metrics=ADDR:PORT");
        String haa = run("haa", "--help").out().replaceAll("\\s+", " ");
        assertThat(haa).contains("Default: 1800").contains("Default: advanced").contains("round-robin, first,")
                .contains("which every user of the host sees in ps").contains("SIGHUP reloads");
        String ini = run("initiator", "--help").out().replaceAll("\\s+", " ");
        assertThat(ini).contains("Default: 5 ").contains("Default: 5353").contains("Default: 1000");
    }

    // ---- logs

    static final Clock T = Clock.fixed(Instant.parse("2026-12-02T06:10:00.123456Z"), ZoneOffset.UTC);

    @Test
    void eventLinesCarryIsoTimeLevelRoleAndReason() {
        StringWriter w = new StringWriter();
        EventLog log = new EventLog(new PrintWriter(w), "haa", Level.INFO, T);
        io.mga.api.Ipv6Address aa = io.mga.api.Ipv6Address.parse("2001:db8:a::53");
        io.mga.api.Ipv6Address coa = io.mga.api.Ipv6Address.parse("2001:db8:b::10");
        long wall = Instant.parse("2026-12-02T06:10:01.5Z").toEpochMilli() * 1_000_000L;
        io.mga.api.AnycastBinding b = new io.mga.api.AnycastBinding(aa, 1, coa, "ar1@example.net", 1, 0, 0);
        log.line(Level.INFO, "starting: --interface=eth0");
        log.agent(new io.mga.engine.AgentEvent.Registered(1, wall, b));
        log.agent(new io.mga.engine.AgentEvent.Refreshed(2, wall, b)); // debug: not printed at info
        log.agent(new io.mga.engine.AgentEvent.Expired(3, wall, b));
        log.agent(new io.mga.engine.AgentEvent.Rejected(4, wall, coa, 129, "binding id 1 belongs to ar2@example.net"));
        log.agent(new io.mga.engine.AgentEvent.Revoked(5 + 2_000_000_000L, wall, b));
        assertThat(w.toString().split("\n")).containsExactly(
                "2026-12-02T06:10:00.123Z INFO  haa: starting: --interface=eth0",
                "2026-12-02T06:10:01.500Z INFO  haa: registered ar1@example.net for 2001:db8:a::53 (Binding ID 1,"
                        + " care-of 2001:db8:b::10)",
                "2026-12-02T06:10:01.500Z WARN  haa: expired ar1@example.net for 2001:db8:a::53 (Binding ID 1, care-of"
                        + " 2001:db8:b::10): no refresh within its lifetime",
                "2026-12-02T06:10:01.500Z WARN  haa: refused a Binding Update from 2001:db8:b::10: status 129"
                        + " ADMINISTRATIVELY_PROHIBITED, binding id 1 belongs to ar2@example.net",
                "2026-12-02T06:10:01.500Z WARN  haa: revoked ar1@example.net for 2001:db8:a::53 (Binding ID 1, care-of"
                        + " 2001:db8:b::10): its credentials were withdrawn by a reload");
    }

    @Test
    void aResponderRefusalSaysWhatToChangeAndWhetherItIsPermanent() {
        StringWriter w = new StringWriter();
        EventLog log = new EventLog(new PrintWriter(w), "responder", Level.WARN, T);
        io.mga.api.Ipv6Address agent = io.mga.api.Ipv6Address.parse("2001:db8:a::1");
        log.responder(new io.mga.engine.ResponderEvent.StateChanged(1, 0, agent,
                io.mga.engine.AnycastResponder.State.FAILED, 129), 1, 1001);
        log.responder(new io.mga.engine.ResponderEvent.StateChanged(1, 0, agent,
                io.mga.engine.AnycastResponder.State.REGISTERED, 0), 1, 1001); // info: not printed at warn
        log.responder(new io.mga.engine.ResponderEvent.StateChanged(1, 0, agent,
                io.mga.engine.AnycastResponder.State.FAILED, 146), 1, 1001);
        String[] lines = w.toString().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("1970-01-01T00:00:00Z ERROR responder: refused by 2001:db8:a::1: status 129"
                + " ADMINISTRATIVELY_PROHIBITED: Binding ID 1 already taken by another responder").contains("--bid");
        assertThat(lines[1]).contains("status 146 MIPV6_AUTH_FAIL").contains("key for SPI 1001 differs");
        assertThat(EventLog.permanent(129)).isTrue();
        assertThat(EventLog.permanent(164)).isTrue();
        assertThat(EventLog.permanent(146)).as("never signed: could be forged").isFalse();
        assertThat(EventLog.permanent(130)).isFalse();
    }

    @Test
    void aResponderWithNoAnswerFromItsAgentSaysSoOnceAfterThirtySeconds() {
        io.mga.api.Ipv6Address agent = io.mga.api.Ipv6Address.parse("2001:db8:a::1");
        long t = 0;
        io.mga.engine.AnycastResponder r = io.mga.engine.AnycastResponder.builder()
                .anycast(io.mga.api.Ipv6Address.parse("2001:db8:a::53"))
                .careOf(io.mga.api.Ipv6Address.parse("2001:db8:1::10")).agent(agent)
                .credentials("ar1@example.net", 1001, io.mga.api.Bytes.fromHex(KEY)).io((p, o, l) -> { })
                .build(t);
        StringWriter w = new StringWriter();
        RoleCommands.Silence silence = new RoleCommands.Silence(r, List.of(agent),
                new EventLog(new PrintWriter(w), "responder", Level.INFO, T), 1001);
        silence.check(t);
        assertThat(w.toString()).as("idle: nothing to say").isEmpty();
        r.start(t);
        for (int i = 0; i < 6; i++) { // a minute of checks, the agent silent (BUs go nowhere)
            t += DaemonRun.PERIOD.toNanos();
            r.doWork(t);
            silence.check(t);
        }
        assertThat(w.toString().split("\n")).singleElement().asString().contains("WARN  responder: no answer from"
                + " agent 2001:db8:a::1 for 30 s").contains("does it accept SPI 1001");
    }

    // ---- the status socket

    /** A role that does nothing; its runner's thread is where snapshots must be made. */
    static final class Idle implements Role {
        @Override
        public void receive(byte[] packet, int offset, int length, long now) {
        }

        @Override
        public int doWork(long now) {
            return 0;
        }

        @Override
        public long nextDeadline() {
            return Long.MAX_VALUE;
        }
    }

    static Snapshot agentSnapshot(long forwarded) {
        return new Snapshot("haa", "eth0", "2001:db8:a::1", "2026-12-02T06:10:00Z", 42,
                List.of(new Snapshot.Binding("2001:db8:a::53", "ar1@example.net", 1, "2001:db8:b::10", 250, 3, 7, 2)),
                2, List.of(new Snapshot.Credential("ar1@example.net", 1001, List.of("2001:db8:a::53/128"))), null,
                Map.of("packets_forwarded", forwarded, "interface_packets_received", 9L));
    }

    @Test
    void theStatusSocketIsOwnerOnlyAndServesTheRolesSnapshotAsJson() throws Exception {
        RoleRunner runner = RoleRunner.builder(new Idle()).name("mga-role-status-test").build().start();
        AtomicReference<String> madeOn = new AtomicReference<>();
        Snapshots snaps = new Snapshots(runner::submit, now -> {
            madeOn.set(Thread.currentThread().getName());
            return agentSnapshot(5);
        }, x -> System.nanoTime());
        Path sock = dir.resolve("run/mga/haa-eth0.sock");
        try (ControlServer server = new ControlServer(sock, snaps).start()) {
            assertThat(server.path()).isEqualTo(sock);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock.getParent())))
                    .isEqualTo("rwx------");
            assertThat(Files.list(sock.getParent())).as("no temporary left behind").containsExactly(sock);
            RoleCommandsTest.Run json = run("status", "--json", "--control-socket=" + sock);
            assertThat(json.status()).as(json.err()).isZero();
            assertThat(madeOn.get()).as("made on the role's thread").isEqualTo("mga-role-status-test");
            JsonNode s = new ObjectMapper().readTree(json.out());
            assertThat(s.get("role").asText()).isEqualTo("haa");
            assertThat(s.get("pins").asInt()).isEqualTo(2);
            JsonNode b = s.get("bindings").get(0);
            assertThat(b.get("responder").asText()).isEqualTo("ar1@example.net");
            assertThat(b.get("bindingId").asInt()).isEqualTo(1);
            assertThat(b.get("careOf").asText()).isEqualTo("2001:db8:b::10");
            assertThat(b.get("remainingSeconds").asLong()).isEqualTo(250);
            assertThat(b.get("weight").asInt()).isEqualTo(3);
            assertThat(b.get("load").asInt()).isEqualTo(7);
            assertThat(b.get("pins").asInt()).isEqualTo(2);
            assertThat(s.get("responders").get(0).get("spi").asLong()).isEqualTo(1001);
            assertThat(s.get("responders").get(0).has("key")).isFalse();
            assertThat(s.get("counters").get("packets_forwarded").asLong()).isEqualTo(5);
            assertThat(s.has("registrations")).as("null fields left out").isFalse();
            RoleCommandsTest.Run human = run("status", "--control-socket=" + sock);
            assertThat(human.out()).contains("haa on eth0").contains("bindings: 1, pins: 2")
                    .contains("ar1@example.net").contains("250s").contains("packets_forwarded");
            // a second server on the same path is refused while the first serves
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ControlServer(sock, snaps).start())
                    .hasMessageContaining("another mga serves on it");
        } finally {
            runner.close();
        }
        assertThat(sock).doesNotExist();
        RoleCommandsTest.oneLine(run("status", "--control-socket=" + sock), 1, "mga status: cannot read " + sock);
    }

    @Test
    void aStoppedRoleAnswersWithAnErrorNotStaleData() throws Exception {
        RoleRunner runner = RoleRunner.builder(new Idle()).build().start();
        Snapshots snaps = new Snapshots(runner::submit, now -> agentSnapshot(1), x -> System.nanoTime());
        runner.close();
        Path sock = dir.resolve("s.sock");
        try (ControlServer server = new ControlServer(sock, snaps).start()) {
            RoleCommandsTest.oneLine(run("status", "--control-socket=" + server.path()), 1, "the role did not answer");
        }
    }

    // ---- metrics

    @Test
    void metricsAreScrapedOverHttpWithPrometheusNames() throws Exception {
        RoleRunner runner = RoleRunner.builder(new Idle()).build().start();
        long[] forwarded = {5};
        Snapshots snaps = new Snapshots(runner::submit, now -> agentSnapshot(forwarded[0]), x -> System.nanoTime());
        try (MetricsServer m = MetricsServer.start(InetAddress.getLoopbackAddress(), 0, snaps,
                snaps.get(java.time.Duration.ZERO, java.time.Duration.ofSeconds(5)))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.port()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("# TYPE mga_agent_packets_forwarded_total counter")
                    .contains("mga_agent_packets_forwarded_total 5.0")
                    .contains("mga_interface_packets_received_total 9.0")
                    .contains("# TYPE mga_agent_bindings gauge").contains("mga_agent_bindings 1.0")
                    .contains("mga_agent_pins 2.0").contains("mga_agent_responders 1.0")
                    .contains("mga_uptime_seconds 42.0");
        } finally {
            runner.close();
        }
    }
}
