package io.mga.cli;

import io.mga.api.Bytes;
import io.mga.api.EpochClock;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.ResponderCredentials;
import io.mga.api.Role;
import io.mga.api.SelectionPolicy;
import io.mga.cli.config.ConfigException;
import io.mga.cli.config.ConfigFile;
import io.mga.cli.config.KeyFile;
import io.mga.cli.control.Snapshot;
import io.mga.cli.log.EventLog;
import io.mga.cli.log.Level;
import io.mga.engine.AgentConfig;
import io.mga.engine.AgentCounters;
import io.mga.engine.AnycastInitiator;
import io.mga.engine.AnycastResponder;
import io.mga.engine.HomeAnycastAgent;
import io.mga.engine.InitiatorEvent;
import io.mga.engine.ResponderConfig;
import io.mga.engine.ResponderCounters;
import io.mga.engine.ResponderEvent;
import io.mga.kernel.KernelCounters;
import io.mga.kernel.KernelDataPlane;
import io.mga.pcapio.LiveInterface;
import io.mga.pcapio.link.MacAddress;
import io.mga.pcapio.nd.NeighborDiscovery;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /** Exit status when an agent refused the responder for good (a configuration error): EX_CONFIG. */
    static final int REFUSED = 78;

    private RoleCommands() {
    }

    /** Where a role sits: its interface, its own address there, its router. */
    static final class Link {
        @Option(names = "--interface", required = true, paramLabel = "IF",
                description = "the Ethernet interface the role runs on (opened with pcap4j; needs root or CAP_NET_RAW)")
        String iface;

        @Option(names = "--address", required = true, paramLabel = "ADDR", converter = Converters.Address.class,
                description = "the role's own unicast address on that link (the kernel must not hold it, except with"
                        + " mga responder --deliver=host)")
        Ipv6Address address;

        @Option(names = "--router", required = true, paramLabel = "ADDR", converter = Converters.Address.class,
                description = "the default router on that link")
        Ipv6Address router;

        @Option(names = "--router-mac", paramLabel = "MAC", converter = Converters.Mac.class,
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

    /** A role command that reads a configuration file: told which options the command line gave itself. */
    interface Configurable {
        /**
         * @param given the long option names given on the command line (they override the file)
         */
        void givenOnCommandLine(Set<String> given);
    }

    /** What a long-running role shares: configuration file, logs, control socket, metrics. */
    static final class Daemon {
        @Option(names = "--config", paramLabel = "FILE",
                description = "a TOML file of options, keys named after the long options (see docs/config.md);"
                        + " options on the command line override it")
        Path config;

        @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
                converter = Converters.LogLevel.class,
                description = "error, warn, info or debug (case-insensitive): the least severe line printed")
        Level logLevel;

        @Option(names = "--control-socket", paramLabel = "PATH", defaultValue = "/run/mga/ROLE-IF.sock",
                description = "the Unix domain socket mga status reads (mode 0600), or none; ROLE and IF are the"
                        + " role (haa, responder) and --interface")
        String controlSocket;

        @Option(names = "--metrics", paramLabel = "ADDR:PORT",
                description = "serve Prometheus metrics on http://ADDR:PORT/metrics, e.g. 127.0.0.1:9353 or"
                        + " [::1]:9353 (default: off)")
        String metrics;

        /** Checks what can be checked before the role is built. */
        void check(CommandLine cl) {
            if (metrics != null) {
                DaemonRun.metricsAddress(cl, metrics);
            }
        }
    }

    /**
     * The interface must be an Ethernet one (ARPHRD_ETHER in /sys/class/net/IF/type): the roles speak Ethernet
     * and Neighbor Discovery. An interface that does not exist is left for the opening to report.
     */
    static void ethernet(CommandLine cl, String iface) {
        if (iface.isEmpty() || iface.contains("/") || iface.startsWith(".")) {
            throw new CommandLine.ParameterException(cl, "--interface: '" + iface + "' is not an interface name");
        }
        Path type = Path.of("/sys/class/net", iface, "type");
        try {
            if (Files.isReadable(type)) {
                String t = Files.readString(type).strip();
                if (!t.equals("1")) {
                    throw new CommandLine.ParameterException(cl, "--interface: " + iface + " is not an Ethernet"
                            + " interface (link type " + t + (t.equals("772") ? ", loopback" : "") + "): give the"
                            + " Ethernet (or veth) interface the role runs on");
                }
            }
        } catch (IOException e) {
            // unreadable: the opening says what is wrong
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

    /** Starts the role on the interface; says why not in one line. */
    static boolean open(PrintWriter err, String name, LiveInterface live, Role role, String iface) {
        return open(err, name, live, role, null, null, iface);
    }

    /**
     * {@link #open(PrintWriter, String, LiveInterface, Role, String)} with a side input for the role thread (host
     * delivery's TUN device, which the role thread reads itself).
     *
     * @return false when it could not be opened (said in one line)
     */
    static boolean open(PrintWriter err, String name, LiveInterface live, Role role, io.mga.api.PacketHandler side,
            io.mga.pcapio.host.TunDevice tun, String iface) {
        try {
            live.start(role, side, tun);
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
        // the stack trace went to the log (slf4j); the line says what, without Java class names
        err.println("mga " + name + ": stopped on an error: " + oneLine(cause.getMessage())
                + " (a bug: please report it with the log)");
        err.flush();
        return ROLE_FAILED;
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // closing on the way out: nothing more to do
            }
        }
    }

    static Bytes hexPayload(CommandLine cl, String hex) {
        try {
            Bytes b = Bytes.fromHex(hex);
            if (b.length() > 1400) {
                throw new CommandLine.ParameterException(cl, "--payload-hex: at most 1400 octets");
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--payload-hex: " + e.getMessage());
        }
    }

    static String uid() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            p.waitFor(5, TimeUnit.SECONDS);
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    static String oneLine(String s) {
        return s == null ? "unknown error" : s.replaceAll("\\s+", " ").trim();
    }

    /**
     * Reads a key: {@code @FILE} names a key file (mode 0600 or stricter), anything else is hex on the command
     * line (visible in {@code ps}).
     */
    static Bytes key(CommandLine cl, String value, String option) {
        if (value.startsWith("@")) {
            try {
                return KeyFile.read(Path.of(value.substring(1)));
            } catch (ConfigException e) {
                throw new CommandLine.ParameterException(cl, option + ": " + e.getMessage());
            }
        }
        return hexKey(cl, value, option);
    }

    static Bytes hexKey(CommandLine cl, String hex, String option) {
        Bytes k;
        try {
            k = Bytes.fromHex(hex);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, option + ": the key is not hex digits");
        }
        if (k.length() < 16) {
            throw new CommandLine.ParameterException(cl, option + ": a key has at least 16 octets (32 hex digits)");
        }
        return k;
    }

    /** Parses {@code --responder} values: NAI,SPI,KEY[,PREFIX] with KEY in hex or {@code @FILE}. */
    static List<ResponderCredentials> credentials(CommandLine cl, List<String> values, List<Ipv6Prefix> anycast) {
        List<ResponderCredentials> out = new ArrayList<>();
        Set<Long> spis = new HashSet<>();
        for (String r : values) {
            String[] f = r.split(",");
            if (f.length < 3 || f.length > 4) {
                throw new CommandLine.ParameterException(cl, "--responder: NAI,SPI,KEY[,PREFIX] (KEY in hex or"
                        + " @KEYFILE), not '" + mask(r) + "'");
            }
            long spi;
            try {
                spi = Long.parseLong(f[1].strip());
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(cl, "--responder: SPI '" + f[1] + "' is not a number (256"
                        + " to 4294967295)");
            }
            Converters.range(cl, "--responder: SPI", spi, 256, 0xffff_ffffL);
            if (!spis.add(spi)) {
                throw new CommandLine.ParameterException(cl, "--responder: two responders share SPI " + spi);
            }
            List<Ipv6Prefix> may;
            try {
                may = f.length > 3 ? List.of(new Converters.AnycastPrefix().convert(f[3])) : anycast;
            } catch (CommandLine.TypeConversionException e) {
                throw new CommandLine.ParameterException(cl, "--responder: " + e.getMessage());
            }
            try {
                out.add(new ResponderCredentials(f[0], spi, key(cl, f[2], "--responder"), may));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--responder: " + e.getMessage());
            }
        }
        return out;
    }

    /** A {@code --responder} value with its key hidden (a key file's name is shown). */
    static String mask(String responder) {
        String[] f = responder.split(",", -1);
        if (f.length >= 3 && !f[2].startsWith("@")) {
            f[2] = "(key hidden)";
        }
        return String.join(",", f);
    }

    /** The effective configuration, one line, without keys. */
    static String effective(CommandSpec spec) {
        StringBuilder b = new StringBuilder();
        for (CommandLine.Model.OptionSpec o : spec.options()) {
            String n = o.longestName();
            if (n.equals("--help") || n.equals("--version") || !n.startsWith("--")) {
                continue;
            }
            Object v = o.getValue();
            if (v == null || Boolean.FALSE.equals(v) || v instanceof List<?> l && l.isEmpty()) {
                continue;
            }
            List<?> vs = v instanceof List<?> l ? l : List.of(v);
            for (Object x : vs) {
                String t = n.equals("--key") && !String.valueOf(x).startsWith("@") ? "(hidden)"
                        : n.equals("--responder") ? mask(String.valueOf(x)) : String.valueOf(x);
                b.append(b.length() == 0 ? "" : " ").append(n);
                if (!Boolean.TRUE.equals(x)) {
                    b.append('=').append(t);
                }
            }
        }
        return b.toString();
    }

    /** {@code mga haa}. */
    @Command(name = "haa", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = {"Runs a Home (or Midway) Anycast Agent on an interface.",
                "SIGHUP reloads the accepted responders (from --config's responder entries, or the --responder"
                    + " key files again) without dropping a binding of a responder still accepted; the bindings of"
                    + " a responder no longer accepted are revoked at once (not in a process started with SIGHUP"
                    + " ignored, as by nohup: it says so at start). SIGTERM or Ctrl-C stops it."})
    static final class Haa implements Callable<Integer>, Configurable {
        @Mixin
        Link link;

        @Mixin
        Daemon daemon;

        @Mixin
        StoreOption store;

        @Option(names = "--anycast", required = true, paramLabel = "PREFIX", converter = Converters.AnycastPrefix.class,
                description = "the anycast address(es) served, e.g. 2001:db8:a::53/128 (global unicast format;"
                        + " repeatable)")
        List<Ipv6Prefix> anycast;

        @Option(names = "--responder", required = true, paramLabel = "NAI,SPI,KEY[,PREFIX]",
                description = "a responder allowed to register: identity, RFC 4285 SPI (256 to 4294967295), key"
                        + " (@FILE: a key file of mode 0600 holding the key in hex; or the hex itself, 16 octets"
                        + " or more, which every user of the host sees in ps), and the anycast prefix it may serve"
                        + " (default: all served) (repeatable)")
        List<String> responders;

        @Option(names = "--model", defaultValue = "advanced", paramLabel = "MODEL", converter = Converters.ModelName.class,
                description = "basic or advanced (case-insensitive)")
        Model model;

        @Option(names = "--policy", paramLabel = "POLICY", converter = Converters.Policy.class, completionCandidates = Converters.PolicyNames.class,
                description = "${COMPLETION-CANDIDATES} (case-insensitive; default: first in the Basic Model,"
                        + " round-robin in the Advanced one, as the library)")
        SelectionPolicy policy;

        @Option(names = "--max-lifetime", defaultValue = "1800", paramLabel = "SECONDS",
                description = "longest lifetime granted, seconds (4 to 262140)")
        int maxLifetime;

        @Option(names = "--peer", converter = Converters.Address.class, paramLabel = "ADDR",
                showDefaultValue = CommandLine.Help.Visibility.NEVER,
                description = "another agent on the anycast home link, listed in DHAAD replies (repeatable)")
        List<Ipv6Address> peers = new ArrayList<>();

        @Option(names = "--liveness-ms", defaultValue = "500", paramLabel = "MS",
                description = "probe each binding with traffic every MS ms (a Binding Refresh Request, dropped if no "
                        + "authenticated BU answers in 500 ms); 0 turns the probes off, else at least 500 (default)")
        long livenessMillis;

        @Option(names = "--state", paramLabel = "FILE", description = "keep the bindings, sequence numbers and"
                + " replay-protection timestamps in FILE (written within 100 ms of each change, crash-safe) and start"
                + " from it, so that a restart keeps serving; a corrupt FILE stops the start (default: none, a"
                + " restart starts empty)")
        Path state;

        @Option(names = "--link-mtu", paramLabel = "OCTETS",
                description = "the MTU of the link the tunnels leave by (default: the interface's, read from"
                        + " /sys/class/net/IF/mtu, else 1500); larger packets for an anycast address get ICMPv6"
                        + " Packet Too Big with this less 40 (RFC 2473 §7.1); " + AgentConfig.MIN_LINK_MTU + " to "
                        + AgentConfig.MAX_LINK_MTU)
        Integer linkMtu;

        @Option(names = "--reverse-rate", paramLabel = "PPS,BURST", defaultValue = "100000,10000",
                description = "the reverse tunnel's token bucket per binding: packets a second and burst"
                        + " (default 100000,10000); packets over it are dropped and counted")
        String reverseRate;

        @Option(names = "--table-key", paramLabel = "HEX", showDefaultValue = CommandLine.Help.Visibility.NEVER,
                description = "the secret of --policy table's initiator hash, 16 hex digits; agents on one home link"
                        + " given the same key choose alike (default: drawn at random). With --store=etcd and no"
                        + " --policy the agents select with the table under this key, or without it by rendezvous"
                        + " hashing: either way an initiator reaches the same responder through any agent")
        String tableKeyHex;

        @Option(names = "--data-plane", defaultValue = "pcap", paramLabel = "pcap|kernel",
                description = "pcap: every packet through the Java agent over pcap; kernel: an XDP program on the"
                        + " interface tunnels and decapsulates, the Java agent stays the control plane and mirrors"
                        + " its bindings into the program's maps (needs root, bpftool and the program that"
                        + " mga-kernel's build compiles when clang and libbpf-dev are installed; selection is"
                        + " --policy table, its default there). If it cannot be installed the agent says why and"
                        + " exits 1.")
        String dataPlane;

        @Spec
        CommandSpec spec;

        Set<String> given = Set.of();

        @Override
        public void givenOnCommandLine(Set<String> g) {
            this.given = Set.copyOf(g);
        }

        @Override
        public Integer call() {
            CommandLine cl = spec.commandLine();
            Converters.range(cl, "--max-lifetime", maxLifetime, 4, 262_140);
            if (livenessMillis < 0 || livenessMillis > 0 && livenessMillis < 500) {
                throw new CommandLine.ParameterException(cl, "--liveness-ms: 0, or at least 500, got " + livenessMillis);
            }
            List<ResponderCredentials> creds = credentials(cl, responders, anycast);
            boolean kernel = switch (dataPlane.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "pcap" -> false;
                case "kernel" -> true;
                default -> throw new CommandLine.ParameterException(cl, "--data-plane: pcap or kernel, got " + dataPlane);
            };
            long tableKey;
            try {
                tableKey = tableKeyHex == null ? new java.security.SecureRandom().nextLong()
                        : Long.parseUnsignedLong(tableKeyHex, 16);
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(cl, "--table-key: 16 hex digits, got " + tableKeyHex);
            }
            SelectionPolicy p = policy;
            if (kernel && p == null || p instanceof Converters.TableName) {
                p = io.mga.engine.Policies.table(tableKey);
            } else if (kernel) {
                throw new CommandLine.ParameterException(cl, "--data-plane=kernel selects with --policy table (the"
                        + " kernel looks the table up per packet); a per-packet policy runs on --data-plane=pcap only");
            }
            StoreOption.Etcd etcd = store.check(cl);
            if (etcd != null && tableKeyHex == null && (kernel || policy instanceof Converters.TableName)) {
                throw new CommandLine.ParameterException(cl, "--store=etcd with the table selection needs the same"
                        + " --table-key on every agent of the store (else each draws its own and they choose apart)");
            }
            if (etcd != null && state != null) {
                throw new CommandLine.ParameterException(cl, "--state is for --store=local: with etcd the store"
                        + " keeps the state");
            }
            daemon.check(cl);
            ethernet(cl, link.iface);
            daemon.logLevel.applyToLibraryLogs();
            LiveInterface.Builder lb = link.live();
            anycast.forEach(lb::ownAnycast);
            LiveInterface live = lb.build();
            EventLog log = new EventLog(cl.getOut(), "haa", daemon.logLevel, java.time.Clock.systemUTC());
            AgentConfig.Builder b = HomeAnycastAgent.builder().address(link.address).model(model).policy(p)
                    .maxLifetimeSeconds(maxLifetime).epochClock(EpochClock.system()).io(live)
                    .liveness(livenessMillis * 1_000_000L, 2000).listener(log::agent);
            anycast.forEach(b::serve);
            peers.forEach(b::peerAgent);
            // an interface MTU above what a tunnel packet can use (loopback's 65536) means every packet fits
            int mtu = linkMtu != null ? linkMtu : Math.min(interfaceMtu(link.iface), AgentConfig.MAX_LINK_MTU);
            if (mtu < AgentConfig.MIN_LINK_MTU || mtu > AgentConfig.MAX_LINK_MTU) {
                throw new CommandLine.ParameterException(cl, "--link-mtu: " + mtu + " is outside "
                        + AgentConfig.MIN_LINK_MTU + ".." + AgentConfig.MAX_LINK_MTU
                        + (linkMtu == null ? " (read from " + link.iface + "; give --link-mtu)" : ""));
            }
            b.linkMtu(mtu);
            String[] rr = reverseRate.split(",");
            try {
                b.reverseTunnelRate(Integer.parseInt(rr[0].trim()), Integer.parseInt(rr[rr.length - 1].trim()));
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(cl, "--reverse-rate: PPS,BURST");
            }
            creds.forEach(b::responder);
            io.mga.api.store.BindingStore shared = null;
            if (etcd != null) {
                EpochClock wall = EpochClock.system();
                try {
                    shared = StoreOption.open(etcd, () -> wall.unixNanos(System.nanoTime()));
                } catch (IOException | IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(cl, "--store=etcd: " + oneLine(e.getMessage()));
                }
                b.store(shared);
                if (tableKeyHex != null) {
                    b.selectionKey(tableKey);
                }
                log.line(Level.INFO, "binding store: etcd " + etcd.endpoints() + " under " + etcd.prefix());
            }
            try {
                return runWith(cl, log, b, live, kernel, tableKey, shared);
            } finally {
                if (shared != null) {
                    shared.close();
                }
            }
        }

        private Integer runWith(CommandLine cl, EventLog log, AgentConfig.Builder b, LiveInterface live,
                boolean kernel, long tableKey, io.mga.api.store.BindingStore shared) {
            AgentStateOption saved;
            try {
                saved = AgentStateOption.load(state, b, log::agent);
            } catch (IOException e) {
                cl.getErr().println("mga haa: " + e.getMessage());
                cl.getErr().flush();
                return 1;
            }
            HomeAnycastAgent haa;
            try {
                haa = b.build(System.nanoTime());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
            if (saved != null) {
                saved.follow(haa, live, m -> log.line(Level.INFO, m));
            }
            if (shared != null) {
                // store answers and watch events wait on the agent's thread: a no-op task wakes its runner
                haa.storeWakeup(() -> live.submit(now -> { }));
            }
            List<Ipv6Address> owned = new ArrayList<>(List.of(link.address));
            anycast.forEach(a -> owned.add(a.address()));
            long started = System.nanoTime();
            DaemonRun run = new DaemonRun(spec, "haa", daemon, link, log, live);
            run.snapshot = now -> agentSnapshot(haa, live, link, now, started);
            run.onHangUp = () -> reload(cl, log, live, haa);
            if (!kernel) {
                return run.run(haa, owned, null, null, null, null);
            }
            return runKernel(cl, log, run, live, haa, owned, tableKey);
        }

        /** {@code --data-plane=kernel}: installs the XDP data plane, runs the agent as its control plane, removes it. */
        int runKernel(CommandLine cl, EventLog log, DaemonRun run, LiveInterface live, HomeAnycastAgent haa,
                List<Ipv6Address> owned, long tableKey) {
            PrintWriter err = cl.getErr();
            String missing = KernelDataPlane.missing();
            if (missing != null) {
                err.println("mga haa: --data-plane=kernel: " + missing);
                err.flush();
                return 1;
            }
            KernelDataPlane dp;
            try {
                // the engine's defaults: outer hop limit 64, pins (Advanced Model) idle for 60 s
                dp = KernelDataPlane.install(new KernelDataPlane.Options(link.iface, link.address, anycast, 64,
                        tableKey, model == Model.ADVANCED, 60_000_000_000L, null, null, 0));
            } catch (IOException | RuntimeException e) {
                err.println("mga haa: --data-plane=kernel: cannot install on " + link.iface + ": "
                        + oneLine(e.getMessage()));
                err.flush();
                return 1;
            }
            Runnable remove = () -> {
                KernelCounters kc = dp.counters();
                log.line(Level.INFO, "kernel data plane " + kc);
                log.line(Level.INFO, "counters with the kernel's " + kc.addedTo(haa.counters()) + "; mirror "
                        + dp.mirrorStats());
                dp.close();
            };
            Thread detach = new Thread(() -> {
                try {
                    live.termination().get(3, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    // stopped on an error, or not yet: remove the program now all the same
                }
                remove.run();
            }, "mga-kernel-detach");
            Runtime.getRuntime().addShutdownHook(detach);
            log.line(Level.INFO, "kernel data plane (XDP) on " + link.iface + ", pinned under " + dp.pinDir());
            java.util.function.LongFunction<Snapshot> pcapSnapshot = run.snapshot;
            run.snapshot = now -> kernelSnapshot(pcapSnapshot.apply(now), dp);
            try {
                return run.run(new KernelMirrored(haa, dp, live, link.router), owned,
                        now -> haa.bindingTableListener(dp), null, null, null);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(detach);
                    remove.run(); // the role stopped on its own: nothing stays installed
                } catch (IllegalStateException e) {
                    // shutting down already: the hook removes it
                }
            }
        }

        /** The agent's snapshot with the kernel data path's counters (one read of its per-CPU array) and state. */
        static Snapshot kernelSnapshot(Snapshot s, KernelDataPlane dp) {
            KernelCounters k = dp.counters();
            KernelDataPlane.MirrorStats ms = dp.mirrorStats();
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("kernel_forwarded", k.forwarded());
            m.put("kernel_reverse_forwarded", k.reverseForwarded());
            m.put("kernel_malformed", k.malformed());
            m.put("kernel_no_binding", k.noBinding());
            m.put("kernel_dropped_hop_limit", k.droppedHopLimit());
            m.put("kernel_dropped_reverse_source", k.droppedReverseSource());
            m.put("kernel_dropped_reverse_destination", k.droppedReverseDestination());
            m.put("kernel_passed_too_big", k.passedTooBig());
            m.put("kernel_passed_no_table", k.passedNoTable());
            m.put("kernel_passed_no_router", k.passedNoRouter());
            m.put("kernel_passed_other", k.passedOther());
            m.put("kernel_pin_hits", k.pinHits());
            m.put("kernel_mirror_changes", ms.changes());
            m.put("kernel_mirror_failures", ms.failures());
            return s.with(m, "kernel (XDP), pinned under " + dp.pinDir() + "; mirror: " + ms.tablesInUse()
                    + " tables in use, " + ms.anycastWithoutTable() + " anycast addresses without a table (to Java), "
                    + ms.failures() + " failed writes");
        }

        /** SIGHUP: the responders read again, then replaced on the agent's thread. */
        void reload(CommandLine cl, EventLog log, LiveInterface live, HomeAnycastAgent haa) {
            List<ResponderCredentials> next;
            try {
                List<String> values = responders;
                if (daemon.config != null && !given.contains("--responder")) {
                    values = new ArrayList<>();
                    for (String a : ConfigFile.arguments(daemon.config, spec, given)) {
                        if (a.startsWith("--responder=")) {
                            values.add(a.substring("--responder=".length()));
                        }
                    }
                }
                next = credentials(cl, values, anycast);
            } catch (ConfigException | CommandLine.ParameterException e) {
                log.line(Level.ERROR, "reload refused, the responders in force stay: " + e.getMessage());
                return;
            }
            boolean queued = live.submit(now -> {
                int before = haa.bindingCount();
                try {
                    int revoked = haa.replaceResponders(next, now);
                    log.line(Level.INFO, "reloaded: " + next.size() + " responders accepted, " + revoked
                            + " bindings revoked, " + (before - revoked) + " kept");
                } catch (IllegalArgumentException e) {
                    log.line(Level.ERROR, "reload refused, the responders in force stay: " + e.getMessage());
                }
            });
            if (!queued) {
                log.line(Level.ERROR, "reload not queued: the agent is stopping or busy");
            }
        }
    }

    /**
     * The agent with a kernel data plane: gives the program the router's Ethernet address as Neighbor Discovery
     * learns it, at most every 100 ms, on the role thread. Everything else is the agent's.
     */
    static final class KernelMirrored implements Role {
        private static final long POLL_NANOS = 100_000_000L;
        private final HomeAnycastAgent haa;
        private final KernelDataPlane dp;
        private final LiveInterface live;
        private final Ipv6Address router;
        private long polled = Long.MIN_VALUE;

        KernelMirrored(HomeAnycastAgent haa, KernelDataPlane dp, LiveInterface live, Ipv6Address router) {
            this.haa = haa;
            this.dp = dp;
            this.live = live;
            this.router = router;
        }

        private void poll(long now) {
            if (polled == Long.MIN_VALUE || now - polled >= POLL_NANOS) {
                polled = now;
                dp.routerMac(live.neighborMac(router).map(MacAddress::toBytes).orElse(null));
            }
        }

        @Override
        public void receive(byte[] packet, int offset, int length, long now) {
            haa.receive(packet, offset, length, now);
            poll(now);
        }

        @Override
        public void receiveBurst(byte[] buffer, int[] offsets, int[] lengths, int first, int count, long now) {
            haa.receiveBurst(buffer, offsets, lengths, first, count, now);
            poll(now);
        }

        @Override
        public int doWork(long now) {
            int n = haa.doWork(now);
            poll(now);
            return n;
        }

        @Override
        public long nextDeadline() {
            long d = haa.nextDeadline();
            if (polled == Long.MIN_VALUE || d == Long.MIN_VALUE) {
                return d;
            }
            long p = polled + POLL_NANOS;
            return d == Long.MAX_VALUE || p - d < 0 ? p : d;
        }
    }

    static Snapshot agentSnapshot(HomeAnycastAgent haa, LiveInterface live, Link link, long now, long started) {
        List<Snapshot.Binding> bs = new ArrayList<>();
        int pins = 0;
        for (HomeAnycastAgent.PinnedBinding p : haa.allBindings()) {
            var b = p.binding();
            pins += p.pins();
            bs.add(new Snapshot.Binding(b.anycast().toString(), b.responder(), b.bindingId(), b.careOf().toString(),
                    Math.max(0, (b.expiresAtNanos() - now) / 1_000_000_000L), b.weight(), b.load(), p.pins()));
        }
        List<Snapshot.Credential> cs = new ArrayList<>();
        for (ResponderCredentials c : haa.responders()) {
            cs.add(new Snapshot.Credential(c.identity(), c.spi(), c.mayServe().stream().map(Object::toString).toList()));
        }
        cs.sort(java.util.Comparator.comparingLong(Snapshot.Credential::spi));
        AgentCounters c = haa.counters();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("packets_received", c.received());
        m.put("packets_forwarded", c.forwarded());
        m.put("packets_reverse_forwarded", c.reverseForwarded());
        m.put("packets_malformed", c.malformed());
        m.put("packets_no_binding", c.noBinding());
        m.put("packets_dropped", c.dropped());
        m.put("binding_updates_rejected", c.rejected());
        m.put("forged_tunnel_errors", c.forgedErrors());
        m.put("binding_probes", c.probes());
        io.mga.engine.StoreState st = haa.storeState();
        m.put("store_unavailable", st.unavailable());
        m.put("store_conflicts", st.conflicts());
        m.put("store_refused", st.refused());
        interfaceCounters(live, m);
        return new Snapshot("haa", link.iface, link.address.toString(), java.time.Instant.now().toString(),
                (now - started) / 1_000_000_000L, bs, pins, cs, null, m, new Snapshot.Store(st.kind(), st.connected(),
                        st.revision(), st.appliedRevision(), st.lag(), st.pendingWrites(), st.detail()), "pcap");
    }

    /**
     * An interface's MTU from /sys/class/net (Linux), or 1500 (Ethernet) when it cannot be read.
     *
     * @param iface the interface's name
     * @return its MTU
     */
    static int interfaceMtu(String iface) {
        Path p = Path.of("/sys/class/net", iface, "mtu");
        try {
            if (iface.indexOf('/') < 0 && Files.isReadable(p)) {
                return Integer.parseInt(Files.readString(p).trim());
            }
        } catch (IOException | NumberFormatException e) {
            // unreadable: Ethernet's
        }
        return 1500;
    }

    static void interfaceCounters(LiveInterface live, Map<String, Long> m) {
        LiveInterface.Counters c = live.counters();
        m.put("interface_packets_received", c.received());
        m.put("interface_packets_sent", c.sent());
        m.put("interface_packets_malformed", c.malformed());
        m.put("interface_packets_dropped", c.dropped());
        m.put("interface_packets_kernel_dropped", c.kernelDropped());
        m.put("interface_packets_stale_dropped", c.staleDropped());
        m.put("interface_packets_queue_dropped", c.queueDropped());
        m.put("interface_packets_foreign", c.foreign());
        NeighborDiscovery.Counters nd = c.neighborDiscovery();
        if (nd != null) {
            m.put("neighbor_own_address_claims", nd.ownAddressClaims());
            m.put("neighbor_own_addresses_defended", nd.ownAddressesDefended());
            m.put("neighbor_claims_ignored", nd.claimsIgnored());
        }
    }

    /** {@code mga responder}. */
    @Command(name = "responder", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = {"Runs an Anycast Responder on an interface, serving a UDP echo service on the anycast"
                    + " address.",
                "SIGTERM or Ctrl-C deregisters, and the command returns as soon as every agent acknowledged (or the"
                    + " retries, 5 with a doubling timeout, are spent). An agent's refusal that no retry can mend (a"
                    + " configuration error: 129, 131, 132, 164, 166, 174) is printed with what to change, and the"
                    + " command exits with status 78."})
    static final class Responder implements Callable<Integer>, Configurable {
        @Mixin
        Link link;

        @Mixin
        Daemon daemon;

        @Option(names = "--shared-agent", converter = Converters.Address.class, paramLabel = "ADDR",
                showDefaultValue = CommandLine.Help.Visibility.NEVER,
                description = "an agent that shares a binding store (mga haa --store=etcd) with the --agent ones: it"
                        + " serves this responder without a registration of its own, so its tunnelled packets are"
                        + " taken and answered through it; when the agent registered with stops answering (three"
                        + " unanswered retransmissions) or refuses, the registration moves to the next of them, one"
                        + " at a time (repeatable)")
        List<Ipv6Address> sharedAgents = new ArrayList<>();

        @Option(names = "--anycast", required = true, converter = Converters.Anycast.class, paramLabel = "ADDR",
                description = "the anycast address served (global unicast format)")
        Ipv6Address anycast;

        @Option(names = "--agent", required = true, converter = Converters.Address.class, paramLabel = "ADDR",
                description = "an agent to register with (repeatable)")
        List<Ipv6Address> agents;

        @Option(names = "--nai", required = true, paramLabel = "NAI", description = "this responder's identity, e.g. ar1@example.net")
        String nai;

        @Option(names = "--spi", required = true, paramLabel = "SPI", description = "the RFC 4285 Mobility SPI (256 to 4294967295)")
        Long spi;

        @Option(names = "--key-file", paramLabel = "FILE",
                description = "a file of mode 0600 (or stricter) holding the MN-HA key in hex, 16 octets or more")
        Path keyFile;

        @Option(names = "--key", paramLabel = "HEX",
                description = "the MN-HA key in hex, 16 octets or more; every user of the host sees it in ps:"
                        + " prefer --key-file")
        String key;

        @Option(names = "--bid", defaultValue = "1", paramLabel = "ID",
                description = "Binding ID, 1 to 65535, distinct for each responder of the anycast address (0: the"
                        + " Basic Model, no Binding Identifier)")
        int bid;

        @Option(names = "--lifetime", defaultValue = "300", paramLabel = "SECONDS", description = "lifetime requested, seconds (4 to 262140)")
        int lifetime;

        @Option(names = "--udp-echo", defaultValue = "5353", paramLabel = "PORT",
                description = "with --deliver=echo, the UDP port (1 to 65535) answered with \"<nai>: <data>\"")
        int port;

        @Option(names = "--no-route-optimisation", description = "always answer through the agent's tunnel")
        boolean noRo;

        @Option(names = "--deliver", defaultValue = "echo", paramLabel = "echo|host",
                description = "who serves the anycast address: echo (the built-in UDP echo and ICMPv6 Echo, in the"
                        + " JVM; the kernel must not hold --address) or host (the host's own stack, through a TUN"
                        + " device; the kernel holds --address)")
        String deliver;

        @Option(names = "--tun", defaultValue = "mga0", paramLabel = "NAME",
                description = "with --deliver=host, the TUN device created")
        String tunName;

        @Option(names = "--mtu", defaultValue = "0", paramLabel = "OCTETS",
                description = "with --deliver=host, the MTU of the path to the agents (0: the interface's);"
                        + " the TUN device gets 40 less; a reply that does not fit the tunnel gets Packet Too Big")
        int mtu;

        @Option(names = "--table", defaultValue = "4242", paramLabel = "N",
                description = "with --deliver=host, the routing table (and rule priority) of replies from the"
                        + " anycast address")
        int table;

        @Option(names = "--stats", defaultValue = "0", paramLabel = "SECONDS",
                description = "print the responder's counters every SECONDS (0: never)")
        int stats;

        /** The MTU of the interface, from sysfs; 1500 when unreadable. */
        static int interfaceMtu(String iface) {
            try {
                return Integer.parseInt(Files.readString(Path.of("/sys/class/net", iface, "mtu")).trim());
            } catch (IOException | NumberFormatException e) {
                return 1500;
            }
        }

        static String counterLine(ResponderCounters c) {
            ResponderCounters.Host h = c.host();
            return "mga responder: counters received " + c.received() + " served " + c.served() + " malformed "
                    + c.malformed() + " host delivered " + h.delivered() + " tunnelled " + h.tunnelled() + " direct "
                    + h.direct() + " not-from-agent " + h.notFromAgent() + " not-for-anycast " + h.notForAnycast()
                    + " spoofed-source " + h.spoofedSource() + " refused-from-host " + h.refused() + " too-big "
                    + h.tooBig() + " no-agent " + h.noAgent();
        }

        @Spec
        CommandSpec spec;

        @Override
        public void givenOnCommandLine(Set<String> g) {
            // nothing is reloaded
        }

        @Override
        public Integer call() {
            CommandLine cl = spec.commandLine();
            Converters.range(cl, "--spi", spi, 256, 0xffff_ffffL);
            Converters.range(cl, "--bid", bid, 0, 65535);
            Converters.range(cl, "--lifetime", lifetime, 4, 262_140);
            Converters.range(cl, "--udp-echo", port, 1, 65535);
            if ((key == null) == (keyFile == null)) {
                throw new CommandLine.ParameterException(cl, key == null ? "--key-file (or --key) is required"
                        : "--key and --key-file: give one of them");
            }
            Bytes k = keyFile != null ? key(cl, "@" + keyFile, "--key-file") : key(cl, key, "--key");
            boolean host = switch (deliver) {
                case "echo" -> false;
                case "host" -> true;
                default -> throw new CommandLine.ParameterException(cl, "--deliver: echo or host");
            };
            if (host && mtu != 0 && mtu < AnycastResponder.MIN_HOST_LINK_MTU) {
                throw new CommandLine.ParameterException(cl, "--mtu: the path to the agents needs an MTU of "
                        + AnycastResponder.MIN_HOST_LINK_MTU + " or more, got " + mtu);
            }
            daemon.check(cl);
            ethernet(cl, link.iface);
            daemon.logLevel.applyToLibraryLogs();
            LiveInterface live = link.live().hostHoldsAddresses(host).build();
            int linkMtu = mtu > 0 ? mtu : interfaceMtu(link.iface);
            io.mga.pcapio.host.HostDelivery hd = null;
            io.mga.pcapio.host.TunDevice tun = null;
            if (host) {
                if (linkMtu < AnycastResponder.MIN_HOST_LINK_MTU) {
                    throw new CommandLine.ParameterException(cl, "--mtu: the path to the agents needs an MTU of "
                            + AnycastResponder.MIN_HOST_LINK_MTU + " or more, got " + linkMtu);
                }
                try {
                    hd = io.mga.pcapio.host.HostDelivery.builder().device(tunName).anycast(anycast)
                            .careOf(link.address).mtu(linkMtu - 40).table(table, table).build();
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(cl, e.getMessage());
                }
                PrintWriter err = cl.getErr();
                if (!"0".equals(uid())) {
                    err.println("mga responder: --deliver=host configures the kernel and needs root; as root, run:");
                    err.println("  ip tuntap add dev " + tunName + " mode tun user " + System.getProperty("user.name"));
                    hd.setupCommands().forEach(c -> err.println("  " + io.mga.pcapio.host.HostDelivery.shellLine(c)));
                    err.println("and to undo: ip tuntap del dev " + tunName + " mode tun; then");
                    hd.teardownCommands().forEach(c -> err.println("  " + io.mga.pcapio.host.HostDelivery.shellLine(c)));
                    err.println("(running as a non-root user on a device set up that way is not supported yet)");
                    err.flush();
                    return 1;
                }
                try {
                    tun = hd.open();
                } catch (IOException e) {
                    err.println("mga responder: host delivery: " + oneLine(e.getMessage()));
                    err.flush();
                    return 1;
                }
            }
            EventLog log = new EventLog(cl.getOut(), "responder", daemon.logLevel, java.time.Clock.systemUTC());
            CompletableFuture<Void> deregistered = new CompletableFuture<>();
            CompletableFuture<Integer> fatal = new CompletableFuture<>();
            boolean[] stopping = {false};
            AnycastResponder[] self = {null};
            ResponderConfig.Builder b = AnycastResponder.builder().anycast(anycast).careOf(link.address)
                    .credentials(nai, spi, k).bindingId(bid).lifetimeSeconds(lifetime)
                    .epochClock(EpochClock.system()).routeOptimisation(!noRo, 1024).io(live)
                    .listener(e -> {
                        log.responder(e, bid, spi);
                        if (e instanceof ResponderEvent.StateChanged c) {
                            if (c.state() == AnycastResponder.State.FAILED && EventLog.permanent(c.status())) {
                                fatal.complete(REFUSED);
                            }
                            if (stopping[0] && self[0] != null && settled(self[0], agents)) {
                                deregistered.complete(null);
                            }
                        }
                    });
            if (host) {
                b.deliverToHost(tun, linkMtu);
            } else {
                b.udpService(port, (from, p, data) -> Bytes.of((nai + ": " + new String(data.toArray(),
                        StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
            }
            agents.forEach(b::agent);
            sharedAgents.forEach(b::sharedAgent);
            AnycastResponder r;
            try {
                r = b.build(System.nanoTime());
            } catch (IllegalArgumentException e) {
                closeQuietly(hd);
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
            self[0] = r;
            PrintWriter out = cl.getOut();
            if (stats > 0) {
                Thread t = new Thread(() -> {
                    while (true) {
                        try {
                            Thread.sleep(stats * 1000L);
                        } catch (InterruptedException e) {
                            return;
                        }
                        // not yet started (the interface opens after this thread starts), or a full task queue:
                        // try again next time; only a stopped interface ends the thread
                        if (!live.submit(now -> {
                            out.println(counterLine(r.counters()));
                            out.flush();
                        }) && live.termination().isDone()) {
                            return;
                        }
                    }
                }, "mga-stats");
                t.setDaemon(true);
                t.start();
            }
            long started = System.nanoTime();
            DaemonRun run = new DaemonRun(spec, "responder", daemon, link, log, live);
            run.snapshot = now -> responderSnapshot(r, agents, live, link, now, started);
            run.periodic = new Silence(r, agents, log, spi)::check;
            LongConsumer stop = now -> {
                stopping[0] = true;
                r.stop(now);
                if (settled(r, agents)) {
                    deregistered.complete(null);
                }
            };
            if (!host) {
                return run.run(r, List.of(link.address), r::start, stop, deregistered, fatal);
            }
            log.line(Level.INFO, "host delivery through " + tun.name() + " (MTU " + r.hostMtu() + ") for " + anycast);
            io.mga.pcapio.host.TunDevice dev = tun;
            // the role thread reads the device itself, with its capture
            run.side = r::fromHost;
            run.sideTun = dev;
            run.after = hd;
            // the kernel holds --address: only its forwarding matters, not that it holds the address
            return run.run(r, List.of(), r::start, stop, deregistered, fatal);
        }
    }

    /**
     * Says once per agent when a registration has had no answer for a while: an agent drops without a word a
     * Binding Update whose SPI it does not know (RFC 4285 §5), so a responder unknown to the agent, or one whose
     * agent is down or unreachable, would otherwise print "registering" and nothing more. Runs on the role's thread.
     */
    static final class Silence {
        /** Checks in a row in the registering state before the warning (with the 10 s period: 30 s). */
        static final int CHECKS = 3;
        private final AnycastResponder r;
        private final List<Ipv6Address> agents;
        private final EventLog log;
        private final long spi;
        private final int[] registering;

        Silence(AnycastResponder r, List<Ipv6Address> agents, EventLog log, long spi) {
            this.r = r;
            this.agents = List.copyOf(agents);
            this.log = log;
            this.spi = spi;
            this.registering = new int[this.agents.size()];
        }

        void check(long now) {
            for (int i = 0; i < agents.size(); i++) {
                if (r.state(agents.get(i)) != AnycastResponder.State.REGISTERING) {
                    registering[i] = 0;
                } else if (++registering[i] == CHECKS) {
                    log.line(Level.WARN, "no answer from agent " + agents.get(i) + " for " + CHECKS
                            * DaemonRun.PERIOD.toSeconds() + " s: is it running and reachable, and does it accept"
                            + " SPI " + spi + "? (an agent drops Binding Updates with an SPI it does not know"
                            + " without answering)");
                }
            }
        }
    }

    /** Whether no registration is outstanding any more: each agent idle (acknowledged, or retries spent) or failed. */
    static boolean settled(AnycastResponder r, List<Ipv6Address> agents) {
        for (Ipv6Address a : agents) {
            AnycastResponder.State s = r.state(a);
            if (s != AnycastResponder.State.IDLE && s != AnycastResponder.State.FAILED) {
                return false;
            }
        }
        return true;
    }

    static Snapshot responderSnapshot(AnycastResponder r, List<Ipv6Address> agents, LiveInterface live, Link link,
            long now, long started) {
        List<Snapshot.Registration> regs = new ArrayList<>();
        for (Ipv6Address a : agents) {
            regs.add(new Snapshot.Registration(a.toString(), r.state(a).name().toLowerCase(java.util.Locale.ROOT)));
        }
        ResponderCounters c = r.counters();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("packets_received", c.received());
        m.put("requests_served", c.served());
        m.put("packets_malformed", c.malformed());
        m.put("acknowledgements_unauthenticated", c.unauthenticated());
        m.put("acknowledgements_unmatched", c.unmatched());
        ResponderCounters.Host h = c.host();
        m.put("host_delivered", h.delivered());
        m.put("host_tunnelled", h.tunnelled());
        m.put("host_direct", h.direct());
        m.put("boundary_not_from_agent", h.notFromAgent());
        m.put("boundary_not_for_anycast", h.notForAnycast());
        m.put("boundary_spoofed_source", h.spoofedSource());
        m.put("host_refused", h.refused());
        m.put("host_too_big", h.tooBig());
        m.put("host_no_agent", h.noAgent());
        interfaceCounters(live, m);
        return new Snapshot("responder", link.iface, link.address.toString(), java.time.Instant.now().toString(),
                (now - started) / 1_000_000_000L, null, null, null, regs, m);
    }

    /** {@code mga initiator}. */
    @Command(name = "initiator", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Sends UDP datagrams to an anycast address as a Mobile IPv6 correspondent (it accepts route"
                    + " optimisation) and prints the answers.")
    static final class Initiator implements Callable<Integer>, Configurable {
        @Override
        public void givenOnCommandLine(Set<String> g) {
            // nothing is reloaded
        }

        @Mixin
        Link link;

        @Option(names = "--config", paramLabel = "FILE",
                description = "a TOML file of options, keys named after the long options (see docs/config.md);"
                        + " options on the command line override it")
        Path config;

        @Option(names = "--anycast", required = true, converter = Converters.Anycast.class, paramLabel = "ADDR",
                description = "the anycast address (global unicast format)")
        Ipv6Address anycast;

        @Option(names = "--port", defaultValue = "5353", paramLabel = "PORT", description = "destination port, 1 to 65535")
        int port;

        @Option(names = "--message", defaultValue = "hello", paramLabel = "TEXT", description = "the datagram's text")
        String message;

        @Option(names = "--payload-hex", paramLabel = "HEX",
                description = "the datagram's payload as hex, sent as is every time (e.g. a DNS query), instead of"
                        + " --message; answers are then printed as hex")
        String payloadHex;

        @Option(names = "--count", defaultValue = "5", paramLabel = "N", description = "how many datagrams, one per --interval-ms, 1"
                + " or more")
        int count;

        @Option(names = "--interval-ms", defaultValue = "1000", paramLabel = "MS",
                description = "milliseconds between datagrams, 1 or more; exit status 3 when no answer came")
        long interval;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            Bytes raw = payloadHex == null ? null : hexPayload(spec.commandLine(), payloadHex);
            CommandLine cl = spec.commandLine();
            Converters.range(cl, "--port", port, 1, 65535);
            Converters.range(cl, "--count", count, 1, Integer.MAX_VALUE);
            Converters.range(cl, "--interval-ms", interval, 1, 3_600_000);
            ethernet(cl, link.iface);
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
                            + (raw != null ? java.util.HexFormat.of().formatHex(d.payload().toArray())
                            : new String(d.payload().toArray(), StandardCharsets.UTF_8)));
                    out.flush();
                }
            };
            CompletableFuture<Void> stopped = live.termination();
            for (int i = 0; i < count && !stopped.isDone(); i++) {
                int n = i;
                live.submit(now -> {
                    print.accept(now);
                    ai.sendUdp(anycast, 40000 + n % 1000, port, raw != null ? raw : Bytes.of((message + " " + n)
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
