package io.mga.store.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd cluster for the tests: N members of Debian's {@code /usr/bin/etcd} on free loopback ports, data in a
 * temporary directory, each member's log in its own file there. Members can be stopped and started one by one (to
 * take the majority away and give it back). {@link #close} stops them all and deletes the directory. When the
 * binary is missing the constructor throws: the tests fail, they are never skipped.
 */
final class EtcdCluster implements AutoCloseable {
    static final Path ETCD = Path.of(System.getProperty("mga.etcd", "/usr/bin/etcd"));
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(20);

    private final Path dir;
    private final int[] clientPorts;
    private final int[] peerPorts;
    private final Process[] members;
    private final String initialCluster;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    EtcdCluster(int size) throws IOException {
        if (!Files.isExecutable(ETCD)) {
            throw new IllegalStateException(ETCD + " is missing: run scripts/install-test-deps.sh (Debian's "
                    + "etcd-server) or set -Dmga.etcd=/path/to/etcd");
        }
        dir = Files.createTempDirectory("mga-etcd-");
        clientPorts = new int[size];
        peerPorts = new int[size];
        members = new Process[size];
        freePorts();
        StringBuilder c = new StringBuilder();
        for (int i = 0; i < size; i++) {
            c.append(i == 0 ? "" : ",").append(name(i)).append("=http://127.0.0.1:").append(peerPorts[i]);
        }
        initialCluster = c.toString();
        try {
            for (int i = 0; i < size; i++) {
                launch(i);
            }
            awaitHealthy();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void freePorts() throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < clientPorts.length; i++) {
                ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(a);
                held.add(b);
                clientPorts[i] = a.getLocalPort();
                peerPorts[i] = b.getLocalPort();
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    private static String name(int i) {
        return "m" + i;
    }

    private void launch(int i) throws IOException {
        String client = "http://127.0.0.1:" + clientPorts[i];
        String peer = "http://127.0.0.1:" + peerPorts[i];
        ProcessBuilder pb = new ProcessBuilder(ETCD.toString(),
                "--name", name(i),
                "--data-dir", dir.resolve(name(i)).toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
                "--initial-cluster-token", dir.getFileName().toString(),
                "--logger", "zap", "--log-level", "warn");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name(i) + ".log").toFile()));
        members[i] = pb.start();
    }

    /** @return every member's client URL */
    List<URI> endpoints() {
        List<URI> all = new ArrayList<>();
        for (int i = 0; i < clientPorts.length; i++) {
            all.add(endpoint(i));
        }
        return all;
    }

    URI endpoint(int i) {
        return URI.create("http://127.0.0.1:" + clientPorts[i]);
    }

    int size() {
        return members.length;
    }

    /** Stops a member (SIGTERM, then SIGKILL after 5 s), waiting until it has exited. */
    void stop(int i) {
        Process p = members[i];
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        members[i] = null;
    }

    /** Starts a stopped member again from its data directory; returns once it answers its health check. */
    void start(int i) throws IOException {
        if (members[i] != null) {
            return;
        }
        launch(i);
        awaitMemberUp(i);
    }

    /** Waits until every running member says it is healthy (a leader, a committed read). */
    void awaitHealthy() {
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        for (int i = 0; i < members.length; i++) {
            if (members[i] == null) {
                continue;
            }
            while (!healthy(i)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("etcd member " + i + " not healthy within " + HEALTHY_WITHIN
                            + "; its log: " + dir.resolve(name(i) + ".log") + "\n" + tail(i));
                }
                pause();
            }
        }
    }

    private void awaitMemberUp(int i) {
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        while (!answers(i)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("etcd member " + i + " did not come up\n" + tail(i));
            }
            pause();
        }
    }

    /** Polling pace: waits on the member's process, which returns at once when it exits. */
    private void pause() {
        for (Process p : members) {
            if (p != null) {
                try {
                    p.waitFor(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                return;
            }
        }
    }

    private boolean healthy(int i) {
        String body = get(i, "/health");
        return body != null && body.contains("\"health\":\"true\"");
    }

    private boolean answers(int i) {
        return get(i, "/version") != null;
    }

    private String get(int i, String path) {
        if (members[i] != null && !members[i].isAlive()) {
            throw new IllegalStateException("etcd member " + i + " exited " + members[i].exitValue() + "\n"
                    + tail(i));
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint(i) + path))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String tail(int i) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(name(i) + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < members.length; i++) {
            stop(i);
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
