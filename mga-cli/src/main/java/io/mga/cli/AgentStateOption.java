package io.mga.cli;

import io.mga.engine.AgentConfig;
import io.mga.engine.AgentEvent;
import io.mga.engine.EventListener;
import io.mga.engine.HomeAnycastAgent;
import io.mga.engine.persist.StateFile;
import io.mga.engine.persist.StateSaver;
import io.mga.pcapio.LiveInterface;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code mga haa --state=FILE}: the agent's bindings, sequence numbers and replay-protection timestamps kept in a
 * file, so that a restart (after a crash or {@code kill -9} too) comes back serving the bindings that are still
 * within their lifetime. Read once at start (a corrupt file stops the start with a message naming it; a missing one
 * is an empty start), written after every change of the bindings, at most every {@value #INTERVAL_MILLIS} ms.
 */
final class AgentStateOption {
    /** The coalescing interval of writes. */
    static final int INTERVAL_MILLIS = 100;

    private final StateFile file;
    private StateSaver saver;
    private int saved = -1;

    private AgentStateOption(Path path) {
        this.file = new StateFile(path, StateFile.DEFAULT_MAX_BYTES);
    }

    /**
     * Reads the saved state into the builder and wraps its listener so that changes are saved.
     *
     * @param path the file, or null when the option is not given
     * @param b the agent's builder (its listener is set already)
     * @param listener the listener set on it, called first
     * @return the option, or null when not given
     * @throws IOException if the file cannot be read or is corrupt (the message names it and says what to do)
     */
    static AgentStateOption load(Path path, AgentConfig.Builder b, EventListener<AgentEvent> listener)
            throws IOException {
        if (path == null) {
            return null;
        }
        AgentStateOption o = new AgentStateOption(path);
        try {
            o.file.read().ifPresent(st -> {
                b.restore(st);
                o.saved = st.bindings().size();
            });
        } catch (IOException e) {
            throw new IOException("--state: " + RoleCommands.oneLine(e.getMessage())
                    + "; move the file away to start without the saved bindings", e);
        }
        b.listener(e -> {
            listener.onEvent(e);
            if (!(e instanceof AgentEvent.Rejected) && o.saver != null) {
                o.saver.changed();
            }
        });
        return o;
    }

    /**
     * Says what was restored, then follows the running agent: starts the writer, and a last write on shutdown while
     * the role still runs.
     */
    void follow(HomeAnycastAgent haa, LiveInterface live, java.util.function.Consumer<String> say) {
        say.accept(saved < 0 ? "no saved state in " + file.path() + " yet; starting empty"
                : "restored " + haa.bindingCount() + " of " + saved + " saved bindings from " + file.path());
        saver = StateSaver.start(file, haa::snapshot, live::submit, INTERVAL_MILLIS * 1_000_000L);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            saver.flush(500);
            saver.close();
        }, "mga-state-flush"));
    }
}
