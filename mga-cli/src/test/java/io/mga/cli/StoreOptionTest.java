package io.mga.cli;

import static io.mga.cli.RoleCommandsTest.KEY;
import static io.mga.cli.RoleCommandsTest.oneLine;
import static io.mga.cli.RoleCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mga.cli.control.Snapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mga haa}'s binding store options are checked before anything starts, each refusal one line naming the
 * option; {@code mga status} shows the store.
 */
class StoreOptionTest {
    @TempDir
    Path dir;

    static String[] haa(String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("haa", "--interface", "lo", "--address", "2001:db8:a::1",
                "--router", "2001:db8:a::fe", "--anycast", "2001:db8:a::53/128", "--responder",
                "ar1@example.net,1001," + KEY));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void badCombinationsAreRefusedWithOneLine() throws Exception {
        oneLine(run(haa("--store=redis")), 2, "--store", "redis");
        oneLine(run(haa("--store=etcd")), 2, "--etcd-endpoints");
        oneLine(run(haa("--etcd-endpoints=http://[::1]:2379")), 2, "--store=etcd");
        oneLine(run(haa("--store=etcd", "--etcd-endpoints=[::1]:2379")), 2, "http(s)://HOST:PORT");
        oneLine(run(haa("--store=etcd", "--etcd-endpoints=https://[::1]:2379")), 2, "--etcd-ca");
        oneLine(run(haa("--store=etcd", "--etcd-endpoints=http://[::1]:2379", "--state", dir.resolve("s").toString())),
                2, "--state");
        oneLine(run(haa("--store=etcd", "--etcd-endpoints=http://[::1]:2379", "--policy=table")), 2,
                "--table-key");
        oneLine(run(haa("--store=etcd", "--etcd-endpoints=http://[::1]:2379", "--etcd-user=mga")), 2,
                "--etcd-password-file");
        Path open = Files.writeString(dir.resolve("password"), "secret\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        oneLine(run(haa("--store=etcd", "--etcd-endpoints=http://[::1]:2379", "--etcd-user=mga",
                "--etcd-password-file=" + open)), 2, "chmod 600");
        oneLine(run(haa("--store=etcd", "--etcd-endpoints=http://[::1]:2379", "--etcd-prefix=/mga/")), 2,
                "--etcd-prefix");
    }

    @Test
    void theHelpNamesTheStoreOptions() {
        RoleCommandsTest.Run r = run("haa", "--help");
        assertThat(r.out()).contains("--store=local|etcd", "--etcd-endpoints", "--etcd-prefix", "--etcd-ca",
                "--etcd-cert", "--etcd-key", "--etcd-user", "--etcd-password-file");
        assertThat(run("responder", "--help").out()).contains("--shared-agent");
    }

    @Test
    void statusShowsTheStore() throws Exception {
        Snapshot s = new Snapshot("haa", "eth0", "2001:db8:a::1", "2026-12-02T06:10:00Z", 42, List.of(), 0, List.of(),
                null, Map.of("store_unavailable", 3L), new Snapshot.Store("etcd", false, 120, 118, 2, 1,
                        "http://[::1]:2379: deadline exceeded"));
        ObjectMapper m = new ObjectMapper();
        String json = m.writeValueAsString(s);
        assertThat(m.readTree(json).get("store").get("lag").asLong()).isEqualTo(2);
        StringWriter w = new StringWriter();
        StatusCommand.print(new PrintWriter(w), m.readTree(json));
        assertThat(w.toString()).contains("store: etcd, NOT CONNECTED, revision 120, applied 118, lag 2, writes"
                + " waiting 1 (http://[::1]:2379: deadline exceeded)").contains("store_unavailable");
    }
}
