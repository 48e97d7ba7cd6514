package io.mga.cli;

import io.mga.api.Ipv6Address;
import io.mga.api.Role;
import io.mga.cli.control.ControlServer;
import io.mga.cli.control.Snapshot;
import io.mga.cli.control.Snapshots;
import io.mga.cli.log.EventLog;
import io.mga.cli.log.Level;
import io.mga.cli.metrics.MetricsServer;
import io.mga.pcapio.LiveInterface;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * One run of a long-lived role: checks the host, opens the interface, logs the effective configuration, serves
 * the control socket and the metrics, handles SIGHUP and SIGTERM, and turns how the role ended into the exit
 * status.
 */
final class DaemonRun {
    /** The longest SIGTERM waits for deregistration (its retries end sooner: 5, from 1.5 s, doubling). */
    static final Duration MAX_STOP = Duration.ofSeconds(60);

    private final CommandSpec spec;
    private final String name;
    private final RoleCommands.Daemon options;
    private final RoleCommands.Link link;
    private final EventLog log;
    private final LiveInterface live;
    /** Makes a snapshot on the role's thread. */
    LongFunction<Snapshot> snapshot;
    /** What SIGHUP does (null: nothing). */
    Runnable onHangUp;
    /** Run on the role's thread every {@link #PERIOD} (null: nothing). */
    LongConsumer periodic;
    /** The role thread's side input (host delivery's TUN device), or null. */
    io.mga.api.PacketHandler side;
    /** The TUN device the role thread reads the side input from (host delivery), or null. */
    io.mga.pcapio.host.TunDevice sideTun;
    /** Closed after the interface when the run ends (host delivery's kernel configuration), or null. */
    AutoCloseable after;
    /** The period of {@link #periodic}. */
    static final Duration PERIOD = Duration.ofSeconds(10);

    DaemonRun(CommandSpec spec, String name, RoleCommands.Daemon options, RoleCommands.Link link, EventLog log,
            LiveInterface live) {
        this.spec = spec;
        this.name = name;
        this.options = options;
        this.link = link;
        this.log = log;
        this.live = live;
    }

    /** Parses {@code --metrics}: ADDR:PORT, [IPV6]:PORT. */
    static InetAddressAndPort metricsAddress(CommandLine cl, String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new CommandLine.ParameterException(cl, "--metrics: '" + value + "' is not ADDR:PORT (e.g."
                    + " 127.0.0.1:9353 or [::1]:9353)");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(cl, "--metrics: the port of '" + value + "' is not a number (1"
                    + " to 65535)");
        }
        Converters.range(cl, "--metrics: port", port, 1, 65535);
        if (!host.matches("[0-9A-Fa-f:.]+")) {
            throw new CommandLine.ParameterException(cl, "--metrics: '" + host + "' is not an IP address (no host"
                    + " names)");
        }
        try {
            return new InetAddressAndPort(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new CommandLine.ParameterException(cl, "--metrics: '" + host + "' is not an IP address");
        }
    }

    /**
     * An address and a port.
     *
     * @param address the address
     * @param port the port
     */
    record InetAddressAndPort(InetAddress address, int port) {
    }

    /**
     * Runs the role until SIGTERM, a failure, or a permanent refusal.
     *
     * @param role the role
     * @param owned the addresses the kernel must not hold
     * @param start run on the role's thread once it runs (null: nothing)
     * @param stop run on the role's thread on SIGTERM (null: nothing)
     * @param stopped completes when what {@code stop} began is over (null: at once)
     * @param fatal completes with an exit status when the role must end (null: never)
     * @return the exit status
     */
    int run(Role role, List<Ipv6Address> owned, LongConsumer start, LongConsumer stop, CompletableFuture<Void> stopped,
            CompletableFuture<Integer> fatal) {
        int status = runRole(role, owned, start, stop, stopped, fatal);
        RoleCommands.closeQuietly(after);
        return status;
    }

    private int runRole(Role role, List<Ipv6Address> owned, LongConsumer start, LongConsumer stop,
            CompletableFuture<Void> stopped, CompletableFuture<Integer> fatal) {
        CommandLine cl = spec.commandLine();
        PrintWriter err = cl.getErr();
        InetAddressAndPort metrics = options.metrics == null ? null : metricsAddress(cl, options.metrics);
        List<String> problems = RoleCommands.kernelProblems(link.iface, owned);
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("mga " + name + ": " + p));
            err.flush();
            return 1;
        }
        log.line(Level.INFO, "starting: " + RoleCommands.effective(spec));
        if (!RoleCommands.open(err, name, live, role, side, sideTun, link.iface)) {
            return 1;
        }
        Snapshots snapshots = new Snapshots(live::submit, snapshot, x -> System.nanoTime());
        ControlServer control = null;
        MetricsServer metricsServer = null;
        try {
            if (!options.controlSocket.equals("none")) {
                Path p = options.controlSocket.equals("/run/mga/ROLE-IF.sock")
                        ? ControlServer.defaultPath(name, link.iface) : Path.of(options.controlSocket);
                try {
                    control = new ControlServer(p, snapshots).start();
                    log.line(Level.INFO, "status on " + p + " (mga status --control-socket=" + p + ")");
                } catch (IOException e) {
                    log.line(Level.WARN, "no control socket at " + p + ": " + RoleCommands.oneLine(e.toString()
                            .replaceFirst("^[\\w.$]+: ", "")) + "; give --control-socket=PATH or none");
                }
            }
            if (metrics != null) {
                try {
                    metricsServer = MetricsServer.start(metrics.address(), metrics.port(), snapshots,
                            snapshots.get(Duration.ZERO, Duration.ofSeconds(5)));
                    log.line(Level.INFO, "metrics on http://" + options.metrics + "/metrics");
                } catch (IOException | TimeoutException e) {
                    err.println("mga " + name + ": --metrics: cannot serve on " + options.metrics + ": "
                            + RoleCommands.oneLine(e.getMessage()));
                    err.flush();
                    live.close();
                    return 1;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            live.close();
            return 1;
        }
        boolean hangUp = onHangUp != null && Signals.onHangUp(() -> {
            log.line(Level.INFO, "SIGHUP: reloading the responders");
            onHangUp.run();
        });
        if (onHangUp != null && !hangUp) {
            log.line(Level.WARN, "SIGHUP cannot reload the responders: this process was started with SIGHUP "
                    + "ignored (nohup?), or this JVM has no sun.misc.Signal; start it without nohup (systemd, setsid) "
                    + "to reload, or restart it to take new responders");
        }
        AtomicInteger exit = new AtomicInteger();
        ControlServer c = control;
        MetricsServer m = metricsServer;
        Runnable shutdown = () -> {
            if (stop != null && live.submit(stop) && stopped != null) {
                try {
                    CompletableFuture.anyOf(stopped, live.termination()).get(MAX_STOP.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    // stopped on an error, or still not acknowledged: close now
                }
            }
            live.close();
            RoleCommands.closeQuietly(after); // after the interface: host delivery's kernel configuration
            if (c != null) {
                c.close();
            }
            if (m != null) {
                m.close();
            }
        };
        Thread hook = new Thread(() -> {
            log.line(Level.INFO, "stopping (signal)" + (stop != null ? ": deregistering" : ""));
            shutdown.run();
            log.line(Level.INFO, "stopped");
        }, "mga-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (fatal != null) {
            fatal.thenAccept(code -> {
                exit.compareAndSet(0, code);
                Thread t = new Thread(shutdown, "mga-refused");
                t.setDaemon(true);
                t.start();
            });
        }
        if (start != null) {
            live.submit(start);
        }
        java.util.concurrent.ScheduledExecutorService ticks = null;
        if (periodic != null) {
            ticks = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mga-periodic");
                t.setDaemon(true);
                return t;
            });
            ticks.scheduleAtFixedRate(() -> live.submit(periodic), PERIOD.toMillis(), PERIOD.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        log.line(Level.INFO, "running on " + link.iface + "; SIGTERM or Ctrl-C stops"
                + (hangUp ? ", SIGHUP reloads the responders" : ""));
        int status = RoleCommands.await(err, name, live.termination());
        if (ticks != null) {
            ticks.shutdownNow();
        }
        if (status == 0 && exit.get() != 0) {
            log.line(Level.ERROR, "stopped: refused by an agent (see above); exit status " + exit.get());
            status = exit.get();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            shutdown.run(); // not a signal: close what is open
            log.line(Level.INFO, "stopped");
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook does it
        }
        return status;
    }
}
