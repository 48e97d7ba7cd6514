package io.mga.store.etcd;

import io.mga.api.store.BindingStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract against a real 3-member etcd cluster, in real time (waits poll with a deadline). Each test has its
 * own key prefix; its "two agents" are two {@link EtcdBindingStore}s, two etcd clients.
 */
class EtcdBindingStoreContractTest extends BindingStoreContract {
    private static final int MAX = 8;
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static EtcdCluster cluster;
    private String prefix;

    @BeforeAll
    static void start() throws IOException {
        cluster = new EtcdCluster(3);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void fresh() {
        prefix = "/contract/" + TESTS.incrementAndGet();
    }

    @Override
    protected BindingStore newClient() {
        try {
            return EtcdBindingStore.open(EtcdStoreConfig.of(cluster.endpoints()).withKeyPrefix(prefix)
                    .withMaxBindings(MAX), this::unixNanos);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected long unixNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    @Override
    protected void letLapse(Duration lifetime) {
        // etcd's lease runs out in real time: the test waits for the event
    }

    @Override
    protected Duration expiryWithin() {
        // a 1 s lease: etcd raises it to 1.5 election timeouts (1.5 s, so 2 s), checks leases every 500 ms
        return Duration.ofSeconds(8);
    }

    @Override
    protected int maxBindings() {
        return MAX;
    }
}
