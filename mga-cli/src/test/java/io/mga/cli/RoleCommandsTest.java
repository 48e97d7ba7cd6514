package io.mga.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Role;
import io.mga.pcapio.runner.RoleRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The role commands refuse bad input with one line naming the problem, and exit non-zero when the role dies.
 */
class RoleCommandsTest {
    static final String KEY = "00112233445566778899aabbccddeeff";

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int s = Main.execute(cl, args);
        return new Run(s, out.toString(), err.toString());
    }

    static void oneLine(Run r, int status, String... contains) {
        assertThat(r.status()).as(r.err()).isEqualTo(status);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("mga ");
        for (String c : contains) {
            assertThat(r.err()).contains(c);
        }
    }

    @Test
    void malformedAddress() {
        oneLine(run("responder", "--interface", "lo", "--address", "2001:db8::zz", "--router", "2001:db8::1",
                "--anycast", "2001:db8:a::53", "--agent", "2001:db8:a::1", "--nai", "a@b", "--spi", "1000", "--key",
                KEY), 2, "--address", "2001:db8::zz");
    }

    @Test
    void unknownDeliveryAndTooSmallMtu() {
        oneLine(run("responder", "--interface", "lo", "--address", "2001:db8::2", "--router", "2001:db8::1",
                "--anycast", "2001:db8:a::53", "--agent", "2001:db8:a::1", "--nai", "a@b", "--spi", "1000", "--key",
                KEY, "--deliver=kernel"), 2, "--deliver");
        oneLine(run("responder", "--interface", "lo", "--address", "2001:db8::2", "--router", "2001:db8::1",
                "--anycast", "2001:db8:a::53", "--agent", "2001:db8:a::1", "--nai", "a@b", "--spi", "1000", "--key",
                KEY, "--deliver=host", "--mtu", "1300"), 2, "--mtu", "1320");
    }

    @Test
    void hostDeliveryCommandsAreTheOnesAnAdministratorCanRun() {
        io.mga.pcapio.host.HostDelivery hd = io.mga.pcapio.host.HostDelivery.builder().device("mga0")
                .anycast(io.mga.api.Ipv6Address.parse("2001:db8:a::53"))
                .careOf(io.mga.api.Ipv6Address.parse("2001:db8:1::100")).mtu(1460).build();
        java.util.List<String> lines = hd.setupCommands().stream().map(io.mga.pcapio.host.HostDelivery::shellLine)
                .toList();
        assertThat(lines).contains("ip link set dev mga0 mtu 1460 up",
                "ip -6 addr add 2001:db8:a::53/128 dev mga0 nodad",
                "ip -6 rule add from 2001:db8:a::53 lookup 4242 priority 4242",
                "nft add rule ip6 mga_mga0 prerouting ip6 daddr 2001:db8:1::100 meta l4proto '{ 41, 135 }' counter drop");
        assertThat(hd.teardownCommands().stream().map(io.mga.pcapio.host.HostDelivery::shellLine))
                .containsExactly("nft delete table ip6 mga_mga0", "ip -6 rule del from 2001:db8:a::53 lookup 4242 "
                        + "priority 4242");
    }

    @Test
    void missingKey() {
        oneLine(run("responder", "--interface", "lo", "--address", "2001:db8::2", "--router", "2001:db8::1",
                "--anycast", "2001:db8:a::53", "--agent", "2001:db8:a::1", "--nai", "a@b", "--spi", "1000"), 2,
                "--key");
    }

    @Test
    void theLinkMtuIsReadFromTheInterface() {
        // (the range is AgentConfig's, tested in mga-engine; the CLI checks the interface before it)
        assertThat(RoleCommands.interfaceMtu("no-such-interface0")).isEqualTo(1500);
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/sys/class/net/lo/mtu"))) {
            assertThat(RoleCommands.interfaceMtu("lo")).isGreaterThanOrEqualTo(1280);
        }
    }

    @Test
    void shortKeyAndReservedSpi() {
        oneLine(run("haa", "--interface", "lo", "--address", "2001:db8:a::1", "--router", "2001:db8:a::fe",
                "--anycast", "2001:db8:a::53/128", "--responder", "a@b,1000,0011"), 2, "16 octets");
        oneLine(run("haa", "--interface", "lo", "--address", "2001:db8:a::1", "--router", "2001:db8:a::fe",
                "--anycast", "2001:db8:a::53/128", "--responder", "a@b,3," + KEY), 2, "SPI");
    }

    @Test
    void unknownInterface() {
        oneLine(run("haa", "--interface", "mga-nonexistent0", "--address", "2001:db8:a::1", "--router",
                "2001:db8:a::fe", "--anycast", "2001:db8:a::53/128", "--responder", "a@b,1000," + KEY), 1,
                "cannot open mga-nonexistent0");
    }

    @Test
    void unknownPolicy() {
        oneLine(run("haa", "--interface", "lo", "--address", "2001:db8:a::1", "--router", "2001:db8:a::fe",
                "--anycast", "2001:db8:a::53/128", "--responder", "a@b,1000," + KEY, "--policy", "dice"), 2,
                "--policy");
    }

    @Test
    void malformedRouterMac() {
        oneLine(run("haa", "--interface", "lo", "--address", "2001:db8:a::1", "--router", "2001:db8:a::fe",
                "--router-mac", "aa:bb:cc:dd:ee", "--anycast", "2001:db8:a::53/128", "--responder",
                "a@b,1000," + KEY), 2, "--router-mac", "Ethernet address");
    }

    @Test
    void helpDocumentsTheRouterPin() {
        Run r = run("responder", "--help");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("--router-mac=MAC").contains("pins the router's Ethernet address");
    }

    /** A role whose receive throws, as a bug would. */
    static final class Throwing implements Role {
        @Override
        public void receive(byte[] packet, int offset, int length, long now) {
            throw new IllegalStateException("a bug in the role");
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

    @Test
    void aRoleThreadThatDiesMakesTheCommandExitNonZeroInsteadOfWaitingForever() {
        RoleRunner runner = RoleRunner.builder(new Throwing()).name("mga-role-cli-test").build().start();
        runner.offer(new byte[40], 0, 40);
        StringWriter err = new StringWriter();
        // what run() returns once the interface's termination fails; the library itself never exits
        int status = RoleCommands.await(new PrintWriter(err), "haa", runner.termination());
        assertThat(status).isEqualTo(RoleCommands.ROLE_FAILED).isNotZero();
        assertThat(err.toString().strip()).doesNotContain("\n").doesNotContain("java.").isEqualTo(
                "mga haa: stopped on an error: a bug in the role (a bug: please report it with the log)");
        assertThat(runner.isRunning()).isFalse();
    }

    @Test
    void aCleanStopExitsZero() {
        RoleRunner runner = RoleRunner.builder(new Throwing()).build().start();
        runner.close();
        assertThat(RoleCommands.await(new PrintWriter(new StringWriter()), "haa", runner.termination())).isZero();
    }

    /** A flood of rejected Binding Updates prints a line a second, not a line a packet. */
    @Test
    void rejectionsArePrintedAtMostOnceASecond() {
        StringWriter w = new StringWriter();
        io.mga.cli.log.EventLog log = new io.mga.cli.log.EventLog(new PrintWriter(w), "haa",
                io.mga.cli.log.Level.INFO, java.time.Clock.systemUTC());
        io.mga.api.Ipv6Address from = io.mga.api.Ipv6Address.parse("2001:db8:666::1");
        for (int i = 0; i < 20_000; i++) { // 20k BU/s for 2 s of the agent's time
            long t = i * 100_000L;
            log.agent(new io.mga.engine.AgentEvent.Rejected(t, t, from, -1, "unknown SPI 4242"));
        }
        String[] lines = w.toString().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).contains("9999 more rejections not printed").startsWith("1970-01-01T00:00:01Z WARN ");
        log.agent(new io.mga.engine.AgentEvent.Expired(3_000_000_000L, 3_000_000_000L, new io.mga.api.AnycastBinding(
                from, 1, from, "ar1@example.net", 1, 0, 0)));
        assertThat(w.toString().split("\n")).as("other events are always printed").hasSize(3);
    }
}
