package io.mga.engine.persist;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.engine.AgentState;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer that follows an agent: snapshots are taken through the role thread, changes are coalesced. */
class StateSaverTest {
    @TempDir
    Path dir;

    static AgentState state(int n) {
        return new AgentState(n, List.of(), List.of(new AgentState.ReplayMark(1001, n)), List.of());
    }

    @Test
    void manyChangesCostFewSnapshotsAndTheLastOneIsWritten() throws Exception {
        StateFile f = new StateFile(dir.resolve("s"), 1 << 20);
        AtomicInteger snapshots = new AtomicInteger();
        CountDownLatch first = new CountDownLatch(1);
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        // the "role thread": runs each task at once, on the caller (the writer), and says so
        StateSaver.RoleThread role = (LongConsumer task) -> {
            threads.add(Thread.currentThread().getName());
            task.accept(0);
            return true;
        };
        StateSaver s = StateSaver.start(f, now -> {
            int n = snapshots.incrementAndGet();
            first.countDown();
            return state(n);
        }, role, 60_000_000_000L);
        for (int i = 0; i < 10_000; i++) {
            s.changed();
        }
        assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
        s.close(); // the write of the first snapshot completes; the next waits out a minute, so it never comes
        assertThat(snapshots.get()).as("10,000 changes within the interval").isEqualTo(1);
        assertThat(s.writes()).isEqualTo(1);
        assertThat(f.read()).contains(state(1));
        assertThat(threads).containsOnly("mga-state-writer");
    }

    @Test
    void flushWritesNowAndSaysWhenTheRoleIsGone() throws Exception {
        StateFile f = new StateFile(dir.resolve("s"), 1 << 20);
        boolean[] alive = {true};
        StateSaver s = StateSaver.start(f, now -> state(7), task -> {
            if (alive[0]) {
                task.accept(0);
            }
            return alive[0];
        }, 0);
        assertThat(s.flush(1000)).isTrue();
        assertThat(f.read()).contains(state(7));
        alive[0] = false;
        assertThat(s.flush(1000)).isFalse();
        s.close();
    }
}
