package io.mga.cli.metrics;

import io.mga.cli.control.Snapshot;
import io.mga.cli.control.Snapshots;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A role's metrics in the Prometheus text format on {@code http://ADDR:PORT/metrics}. Each snapshot counter
 * {@code k} becomes {@code mga_<role>_k_total} ({@code mga_agent_packets_forwarded_total}), an interface counter
 * {@code interface_k} becomes {@code mga_interface_k_total}; gauges: {@code mga_agent_bindings},
 * {@code mga_agent_pins}, {@code mga_agent_responders}, {@code mga_responder_registered_agents}, and the binding
 * store's {@code mga_agent_store_connected} (1 or 0), {@code mga_agent_store_revision}, {@code mga_agent_store_lag}
 * and {@code mga_agent_store_pending_writes}. A scrape asks
 * the role's thread for one snapshot (reused for half a second); when the role does not answer within a second,
 * the scrape has no mga samples rather than stale ones. One scrape is served at a time.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    private final HTTPServer http;
    private final ExecutorService executor;

    private MetricsServer(HTTPServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /**
     * Registers the role's metrics and starts serving them.
     *
     * @param address the address to listen on
     * @param port the port (0: any free port, see {@link #port()})
     * @param snapshots where values come from
     * @param first a snapshot of the role, for the names of its counters
     * @return the running server
     * @throws IOException if the address cannot be bound
     */
    public static MetricsServer start(InetAddress address, int port, Snapshots snapshots, Snapshot first)
            throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        String role = first.role().equals("haa") ? "agent" : first.role();
        for (String k : first.counters().keySet()) {
            String name = k.startsWith("interface_") ? "mga_" + k : "mga_" + role + "_" + k;
            CounterWithCallback.builder().name(name + "_total").help(help(k)).callback(cb -> {
                Snapshot s = snapshot(snapshots);
                if (s != null && s.counters().containsKey(k)) {
                    cb.call(s.counters().get(k));
                }
            }).register(registry);
        }
        if (first.bindings() != null) {
            gauge(registry, snapshots, "mga_agent_bindings", "live bindings, all anycast addresses together",
                    s -> s.bindings().size());
            gauge(registry, snapshots, "mga_agent_pins", "pins in force", s -> s.pins());
            gauge(registry, snapshots, "mga_agent_responders", "responder credentials accepted",
                    s -> s.responders().size());
        }
        if (first.store() != null) {
            gauge(registry, snapshots, "mga_agent_store_connected", "1 when the binding store can commit writes",
                    s -> s.store() != null && s.store().connected() ? 1 : 0);
            gauge(registry, snapshots, "mga_agent_store_revision", "the newest revision the binding store told of",
                    s -> s.store() != null ? s.store().revision() : 0);
            gauge(registry, snapshots, "mga_agent_store_lag", "revisions the agent's copy is behind the store",
                    s -> s.store() != null ? s.store().lag() : 0);
            gauge(registry, snapshots, "mga_agent_store_pending_writes", "Binding Updates waiting for the store",
                    s -> s.store() != null ? s.store().pendingWrites() : 0);
        }
        if (first.registrations() != null) {
            gauge(registry, snapshots, "mga_responder_registered_agents", "agents this responder is registered with",
                    s -> s.registrations().stream().filter(r -> r.state().equals("registered")).count());
        }
        gauge(registry, snapshots, "mga_uptime_seconds", "seconds since the role started", Snapshot::uptimeSeconds);
        ExecutorService one = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(16),
                r -> {
                    Thread t = new Thread(r, "mga-metrics");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.DiscardPolicy());
        try {
            HTTPServer http = HTTPServer.builder().inetAddress(address).port(port).registry(registry)
                    .executorService(one).buildAndStart();
            return new MetricsServer(http, one);
        } catch (IOException | RuntimeException e) {
            one.shutdownNow();
            throw e;
        }
    }

    private static void gauge(PrometheusRegistry registry, Snapshots snapshots, String name, String help,
            ToDoubleFunction<Snapshot> value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> {
            Snapshot s = snapshot(snapshots);
            if (s != null) {
                cb.call(value.applyAsDouble(s));
            }
        }).register(registry);
    }

    private static Snapshot snapshot(Snapshots snapshots) {
        try {
            return snapshots.get(Duration.ofMillis(500), Duration.ofSeconds(1));
        } catch (TimeoutException e) {
            LOG.debug("metrics: {}", e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String help(String key) {
        return key.replace('_', ' ') + " (see mga status)";
    }

    /** @return the port served */
    public int port() {
        return http.getPort();
    }

    /** Stops serving. */
    @Override
    public void close() {
        http.close();
        executor.shutdownNow();
    }
}
