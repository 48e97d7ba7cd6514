package io.mga.cli;

import io.mga.api.Bytes;
import io.mga.api.EpochClock;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.ResponderCredentials;
import io.mga.api.Role;
import io.mga.api.SelectionPolicy;
import io.mga.engine.AgentConfig;
import io.mga.engine.AgentEvent;
import io.mga.engine.AnycastInitiator;
import io.mga.engine.AnycastResponder;
import io.mga.engine.HomeAnycastAgent;
import io.mga.engine.InitiatorEvent;
import io.mga.engine.Policies;
import io.mga.engine.ResponderConfig;
import io.mga.engine.ResponderEvent;
import io.mga.pcapio.LiveInterface;
import io.mga.pcapio.link.MacAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** The roles as processes on a live interface: {@code mga haa}, {@code mga responder}, {@code mga initiator}. */
final class RoleCommands {
    /** Exit status when the role (or the capture) stopped on an error: EX_SOFTWARE of sysexits.h. */
    static final int ROLE_FAILED = 70;

    private RoleCommands() {
    }

    /** Parses Ethernet address text for picocli. */
    static final class MacConverter implements CommandLine.ITypeConverter<MacAddress> {
        @Override
        public MacAddress convert(String value) {
            return MacAddress.parse(value);
        }
    }

    /** Parses IPv6 address text for picocli. */
    static final class AddressConverter implements CommandLine.ITypeConverter<Ipv6Address> {
        @Override
        public Ipv6Address convert(String value) {
            return Ipv6Address.parse(value);
        }
    }

    /** Parses IPv6 prefix text for picocli. */
    static final class PrefixConverter implements CommandLine.ITypeConverter<Ipv6Prefix> {
        @Override
        public Ipv6Prefix convert(String value) {
            return Ipv6Prefix.parse(value);
        }
    }

    /** Where a role sits: its interface, its own address there, its router. */
    static final class Link {
        @Option(names = "--interface", required = true, paramLabel = "IF",
                description = "the Ethernet interface the role runs on (opened with pcap4j; needs root or CAP_NET_RAW)")
        String iface;

        @Option(names = "--address", required = true, paramLabel = "ADDR", converter = AddressConverter.class,
                description = "the role's own unicast address on that link (the kernel must not hold it)")
        Ipv6Address address;

        @Option(names = "--router", required = true, paramLabel = "ADDR", converter = AddressConverter.class,
                description = "the default router on that link")
        Ipv6Address router;

        @Option(names = "--router-mac", paramLabel = "MAC", converter = MacConverter.class,
                description = "pins the router's Ethernet address, e.g. aa:bb:cc:dd:ee:ff: a static neighbour entry"
                        + " that Neighbor Discovery never changes, so forged Solicitations or Advertisements cannot"
                        + " redirect the role's traffic (default: learnt by Neighbor Discovery)")
        MacAddress routerMac;

        /** @return a live interface builder for this link: interface, own address, router (pinned if asked) */
        LiveInterface.Builder live() {
            LiveInterface.Builder b = LiveInterface.builder().interfaceName(iface).own(address).defaultRouter(router);
            if (routerMac != null) {
                b.routerMac(routerMac);
            }
            return b;
        }
    }

    /**
     * What the host's kernel must not do in the role's place: hold the role's addresses on the interface (it would
     * answer Neighbor Solicitations for them) or forward IPv6 on it. Reads /proc; on other systems it checks
     * nothing.
     *
     * @return problems, each one line
     */
    static List<String> kernelProblems(String iface, List<Ipv6Address> addresses) {
        List<String> out = new ArrayList<>();
        Path inet6 = Path.of("/proc/net/if_inet6");
        if (Files.isReadable(inet6)) {
            try {
                for (String line : Files.readAllLines(inet6)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length >= 6 && f[5].equals(iface)) {
                        Ipv6Address a = Ipv6Address.of(Bytes.fromHex(f[0]).toArray());
                        if (addresses.contains(a)) {
                            out.add("the kernel holds " + a + " on " + iface + ": remove it (ip -6 addr del " + a
                                    + "/64 dev " + iface + ") or disable IPv6 there for the kernel (sysctl -w"
                                    + " net.ipv6.conf." + iface + ".disable_ipv6=1)");
                        }
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                // unreadable: nothing to say
            }
        }
        Path fwd = Path.of("/proc/sys/net/ipv6/conf", iface, "forwarding");
        try {
            if (Files.isReadable(fwd) && Files.readString(fwd).trim().equals("1")) {
                out.add("the kernel forwards IPv6 on " + iface + ": turn it off (sysctl -w net.ipv6.conf." + iface
                        + ".forwarding=0) so that it does not route the role's traffic");
            }
        } catch (IOException e) {
            // unreadable: nothing to say
        }
        return out;
    }

    /**
     * Opens the interface, starts the role, waits until Ctrl-C or until the role stops on an error, stops cleanly.
     *
     * @return 0 after Ctrl-C, 1 if the interface cannot be opened, {@link #ROLE_FAILED} if the role thread or the
     *     capture died (a supervisor then restarts the process)
     */
    static int run(CommandSpec spec, String name, LiveInterface live, Role role, List<Ipv6Address> owned, String iface,
            LongConsumer start, LongConsumer stop) {
        PrintWriter err = spec.commandLine().getErr();
        List<String> problems = kernelProblems(iface, owned);
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("mga " + name + ": " + p));
            err.flush();
            return 1;
        }
        if (!open(err, name, live, role, iface)) {
            return 1;
        }
        Thread hook = new Thread(() -> {
            if (stop != null && live.submit(stop)) {
                try {
                    // time for the deregistration's acknowledgement, unless the role stops first
                    live.termination().get(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    // stopped on an error, or still running after 2 s: close now
                }
            }
            live.close();
        }, "mga-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (start != null) {
            live.submit(start);
        }
        spec.commandLine().getOut().println("mga " + name + ": running on " + iface + "; Ctrl-C stops");
        spec.commandLine().getOut().flush();
        return await(err, name, live.termination());
    }

    /** Starts the role on the interface; says why not in one line. */
    static boolean open(PrintWriter err, String name, LiveInterface live, Role role, String iface) {
        try {
            live.start(role);
            return true;
        } catch (IOException | UnsatisfiedLinkError e) {
            err.println("mga " + name + ": cannot open " + iface + ": " + oneLine(e.getMessage())
                    + " (an existing interface, and root or CAP_NET_RAW, are needed)");
            err.flush();
            return false;
        }
    }

    /**
     * Waits until the role stops. The library never exits the JVM: this is where a dead role thread becomes the
     * process's exit status.
     *
     * @param termination the role's termination (a live interface's, or a runner's)
     * @return 0 when it stopped normally (Ctrl-C), {@link #ROLE_FAILED} with one line on {@code err} when it
     *     stopped on an error
     */
    static int await(PrintWriter err, String name, CompletableFuture<Void> termination) {
        try {
            termination.get();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (ExecutionException e) {
            return failed(err, name, e.getCause());
        }
    }

    static int failed(PrintWriter err, String name, Throwable cause) {
        err.println("mga " + name + ": stopped on an error: " + cause.getClass().getName() + ": "
                + oneLine(cause.getMessage()));
        err.flush();
        return ROLE_FAILED;
    }

    static String oneLine(String s) {
        return s == null ? "unknown error" : s.replaceAll("\\s+", " ").trim();
    }

    static Bytes hexKey(CommandLine cl, String hex, String option) {
        Bytes k;
        try {
            k = Bytes.fromHex(hex);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, option + ": " + e.getMessage());
        }
        if (k.length() < 16) {
            throw new CommandLine.ParameterException(cl, option + ": a key has at least 16 octets (32 hex digits)");
        }
        return k;
    }

    /** {@code mga haa}. */
    @Command(name = "haa", mixinStandardHelpOptions = true,
            description = "Runs a Home (or Midway) Anycast Agent on an interface.")
    static final class Haa implements Callable<Integer> {
        @Mixin
        Link link;

        @Option(names = "--anycast", required = true, paramLabel = "PREFIX", converter = PrefixConverter.class,
                description = "the anycast address(es) served, e.g. 2001:db8:a::53/128 (repeatable)")
        List<Ipv6Prefix> anycast;

        @Option(names = "--responder", required = true, paramLabel = "NAI,SPI,KEYHEX[,PREFIX]",
                description = "a responder allowed to register: identity, RFC 4285 SPI (256 or more), key (hex, 16"
                        + " octets or more), and the anycast prefix it may serve (default: all served) (repeatable)")
        List<String> responders;

        @Option(names = "--model", defaultValue = "advanced", description = "basic or advanced (default)")
        String model;

        @Option(names = "--policy", defaultValue = "rendezvous",
                description = "first, round-robin, weighted, least-loaded, nearest, rendezvous (default)")
        String policy;

        @Option(names = "--max-lifetime", defaultValue = "1800", description = "longest lifetime granted, seconds")
        int maxLifetime;

        @Option(names = "--peer", converter = AddressConverter.class, paramLabel = "ADDR",
                description = "another agent on the anycast home link, listed in DHAAD replies (repeatable)")
        List<Ipv6Address> peers = new ArrayList<>();

        @Option(names = "--liveness-ms", defaultValue = "500", paramLabel = "MS",
                description = "probe each binding with traffic every MS ms (a Binding Refresh Request, dropped if no "
                        + "authenticated BU answers in 500 ms); 0 turns the probes off, else at least 500 (default)")
        long livenessMillis;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            SelectionPolicy p = switch (policy) {
                case "first" -> Policies.first();
                case "round-robin" -> Policies.roundRobin();
                case "weighted" -> Policies.weighted();
                case "least-loaded" -> Policies.leastLoaded();
                case "nearest" -> Policies.nearest();
                case "rendezvous" -> Policies.rendezvous();
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "--policy: unknown " + policy);
            };
            Model m = switch (model) {
                case "basic" -> Model.BASIC;
                case "advanced" -> Model.ADVANCED;
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "--model: basic or advanced");
            };
            if (livenessMillis < 0 || livenessMillis > 0 && livenessMillis < 500) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--liveness-ms: 0, or at least 500");
            }
            LiveInterface.Builder lb = link.live();
            anycast.forEach(lb::ownAnycast);
            LiveInterface live = lb.build();
            PrintWriter out = spec.commandLine().getOut();
            AgentConfig.Builder b = HomeAnycastAgent.builder().address(link.address).model(m).policy(p)
                    .maxLifetimeSeconds(maxLifetime).epochClock(EpochClock.system()).io(live)
                    .liveness(livenessMillis * 1_000_000L, 2000)
                    .listener(new AgentEventLog(out)::print);
            anycast.forEach(b::serve);
            peers.forEach(b::peerAgent);
            for (String r : responders) {
                String[] f = r.split(",");
                if (f.length < 3) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--responder: NAI,SPI,KEYHEX[,PREFIX]");
                }
                long spi;
                try {
                    spi = Long.parseLong(f[1]);
                } catch (NumberFormatException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--responder: SPI is a number");
                }
                List<Ipv6Prefix> may = f.length > 3 ? List.of(Ipv6Prefix.parse(f[3])) : anycast;
                try {
                    b.responder(new ResponderCredentials(f[0], spi, hexKey(spec.commandLine(), f[2], "--responder"), may));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--responder: " + e.getMessage());
                }
            }
            HomeAnycastAgent haa = b.build(System.nanoTime());
            List<Ipv6Address> owned = new ArrayList<>(List.of(link.address));
            anycast.forEach(a -> owned.add(a.address()));
            return run(spec, "haa", live, haa, owned, link.iface, null, null);
        }
    }

    /**
     * Prints an agent's events with their wall-clock time. Rejections can be provoked by anyone who sends a
     * packet, so they are printed at most once a second, each line saying how many were not printed since;
     * refreshes, which the liveness probes draw from every responder with traffic, at most once every 10 s.
     */
    static final class AgentEventLog {
        static final long REJECTION_INTERVAL = 1_000_000_000L;
        private final PrintWriter out;
        private long lastRejection = Long.MIN_VALUE;
        private long suppressed;
        static final long REFRESH_INTERVAL = 10_000_000_000L;
        private long lastRefresh = Long.MIN_VALUE;
        private long refreshesSuppressed;

        AgentEventLog(PrintWriter out) {
            this.out = out;
        }

        void print(AgentEvent e) {
            if (e instanceof AgentEvent.Rejected r) {
                if (lastRejection != Long.MIN_VALUE && r.timeNanos() - lastRejection < REJECTION_INTERVAL) {
                    suppressed++;
                    return;
                }
                lastRejection = r.timeNanos();
                out.println(e.wallTime() + " mga haa: " + e + (suppressed > 0 ? " (" + suppressed
                        + " more rejections not printed)" : ""));
                suppressed = 0;
            } else if (e instanceof AgentEvent.Refreshed f) {
                // the liveness probes draw a refresh from every responder with traffic twice a second
                if (lastRefresh != Long.MIN_VALUE && f.timeNanos() - lastRefresh < REFRESH_INTERVAL) {
                    refreshesSuppressed++;
                    return;
                }
                lastRefresh = f.timeNanos();
                out.println(e.wallTime() + " mga haa: " + e + (refreshesSuppressed > 0 ? " (" + refreshesSuppressed
                        + " more refreshes not printed)" : ""));
                refreshesSuppressed = 0;
            } else {
                out.println(e.wallTime() + " mga haa: " + e);
            }
            out.flush();
        }
    }

    /** {@code mga responder}. */
    @Command(name = "responder", mixinStandardHelpOptions = true,
            description = "Runs an Anycast Responder on an interface, serving a UDP echo service on the anycast address.")
    static final class Responder implements Callable<Integer> {
        @Mixin
        Link link;

        @Option(names = "--anycast", required = true, converter = AddressConverter.class, paramLabel = "ADDR",
                description = "the anycast address served")
        Ipv6Address anycast;

        @Option(names = "--agent", required = true, converter = AddressConverter.class, paramLabel = "ADDR",
                description = "an agent to register with (repeatable)")
        List<Ipv6Address> agents;

        @Option(names = "--nai", required = true, description = "this responder's identity, e.g. ar1@example.net")
        String nai;

        @Option(names = "--spi", required = true, description = "the RFC 4285 Mobility SPI (256 or more)")
        long spi;

        @Option(names = "--key", required = true, paramLabel = "HEX", description = "the MN-HA key, 16 octets or more")
        String key;

        @Option(names = "--bid", defaultValue = "1", description = "Binding ID (0 for the Basic Model)")
        int bid;

        @Option(names = "--lifetime", defaultValue = "300", description = "lifetime requested, seconds")
        int lifetime;

        @Option(names = "--udp-echo", defaultValue = "5353", description = "UDP port answered with \"<nai>: <data>\"")
        int port;

        @Option(names = "--no-route-optimisation", description = "always answer through the agent's tunnel")
        boolean noRo;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            LiveInterface live = link.live().build();
            PrintWriter out = spec.commandLine().getOut();
            ResponderConfig.Builder b = AnycastResponder.builder().anycast(anycast).careOf(link.address)
                    .credentials(nai, spi, hexKey(spec.commandLine(), key, "--key")).bindingId(bid).lifetimeSeconds(lifetime)
                    .epochClock(EpochClock.system()).routeOptimisation(!noRo, 1024).io(live)
                    .udpService(port, (from, p, data) -> Bytes.of((nai + ": " + new String(data.toArray(),
                            StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)))
                    .listener(e -> {
                        if (e instanceof ResponderEvent.StateChanged c) {
                            out.println("mga responder: " + c.agent() + " " + c.state().name().toLowerCase()
                                    + (c.status() >= 0 ? " (status " + c.status() + ")" : ""));
                            out.flush();
                        }
                    });
            agents.forEach(b::agent);
            AnycastResponder r = b.build(System.nanoTime());
            return run(spec, "responder", live, r, List.of(link.address), link.iface, r::start, r::stop);
        }
    }

    /** {@code mga initiator}. */
    @Command(name = "initiator", mixinStandardHelpOptions = true,
            description = "Sends UDP datagrams to an anycast address as a Mobile IPv6 correspondent (it accepts route"
                    + " optimisation) and prints the answers.")
    static final class Initiator implements Callable<Integer> {
        @Mixin
        Link link;

        @Option(names = "--anycast", required = true, converter = AddressConverter.class, paramLabel = "ADDR",
                description = "the anycast address")
        Ipv6Address anycast;

        @Option(names = "--port", defaultValue = "5353", description = "destination port")
        int port;

        @Option(names = "--message", defaultValue = "hello", description = "the datagram's text")
        String message;

        @Option(names = "--count", defaultValue = "5", description = "how many datagrams, one per --interval")
        int count;

        @Option(names = "--interval-ms", defaultValue = "1000",
                description = "milliseconds between datagrams; exit status 3 when no answer came")
        long interval;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            LiveInterface live = link.live().build();
            PrintWriter out = spec.commandLine().getOut();
            AnycastInitiator ai = AnycastInitiator.builder().address(link.address).io(live)
                    .listener(e -> {
                        if (e instanceof InitiatorEvent.Unbound u) {
                            out.println("mga initiator: " + u.home() + " back through the agent (" + u.cause().text()
                                    + ")");
                        } else if (e instanceof InitiatorEvent.Bound b) {
                            out.println("mga initiator: " + b.home() + " now directly at " + b.careOf());
                        }
                        out.flush();
                    }).build(System.nanoTime());
            List<String> problems = kernelProblems(link.iface, List.of(link.address));
            if (!problems.isEmpty()) {
                problems.forEach(p -> spec.commandLine().getErr().println("mga initiator: " + p));
                return 1;
            }
            if (!open(spec.commandLine().getErr(), "initiator", live, ai, link.iface)) {
                return 1;
            }
            int[] seen = {0};
            LongConsumer print = now -> {
                List<AnycastInitiator.Datagram> r = ai.received();
                for (; seen[0] < r.size(); seen[0]++) {
                    AnycastInitiator.Datagram d = r.get(seen[0]);
                    out.println("mga initiator: answer from " + d.from() + (d.careOf().equals(d.from()) ? ""
                            : " (directly from " + d.careOf() + ")") + ": "
                            + new String(d.payload().toArray(), StandardCharsets.UTF_8));
                    out.flush();
                }
            };
            CompletableFuture<Void> stopped = live.termination();
            for (int i = 0; i < count && !stopped.isDone(); i++) {
                int n = i;
                live.submit(now -> {
                    print.accept(now);
                    ai.sendUdp(anycast, 40000 + n % 1000, port, Bytes.of((message + " " + n)
                            .getBytes(StandardCharsets.UTF_8)), now);
                });
                try {
                    stopped.get(interval, TimeUnit.MILLISECONDS); // returns early only if the role stopped
                } catch (java.util.concurrent.TimeoutException e) {
                    // the interval passed: next datagram
                } catch (ExecutionException e) {
                    live.close();
                    return failed(spec.commandLine().getErr(), "initiator", e.getCause());
                }
            }
            CountDownLatch printed = new CountDownLatch(1);
            live.submit(now -> {
                print.accept(now);
                printed.countDown();
            });
            printed.await(2, TimeUnit.SECONDS);
            live.close();
            if (stopped.isCompletedExceptionally()) {
                try {
                    stopped.get();
                } catch (ExecutionException e) {
                    return failed(spec.commandLine().getErr(), "initiator", e.getCause());
                }
            }
            return seen[0] > 0 ? 0 : 3;
        }
    }
}
