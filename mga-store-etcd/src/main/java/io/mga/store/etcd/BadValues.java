package io.mga.store.etcd;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of values this store skipped: each key once (the last {@link #KEYS} keys remembered), and at most one line
 * a second whatever the keys; every skip counted. Thread-safe.
 */
final class BadValues {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdBindingStore.class);
    static final int KEYS = 1024;
    private static final long GAP_NANOS = 1_000_000_000L;
    private static final int MAX_KEY_SHOWN = 120;

    private final LongSupplier nanos;
    private final Map<String, Boolean> logged = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > KEYS;
        }
    };
    private long count;
    private long lastLine;
    private boolean anyLine;
    private long unlogged;

    BadValues(LongSupplier nanos) {
        this.nanos = nanos;
    }

    synchronized void log(String key, String why) {
        count++;
        String shown = key.length() > MAX_KEY_SHOWN ? key.substring(0, MAX_KEY_SHOWN) + "..." : key;
        if (logged.put(shown, Boolean.TRUE) != null) {
            return;
        }
        long now = nanos.getAsLong();
        if (anyLine && now - lastLine < GAP_NANOS) {
            unlogged++;
            return;
        }
        anyLine = true;
        lastLine = now;
        LOG.warn("etcd binding store: skipped {}: {} ({} skipped in all, {} not logged)", shown, why, count,
                unlogged);
    }

    synchronized long count() {
        return count;
    }
}
