package io.mga.engine.persist;

import io.mga.api.Ipv6Address;
import io.mga.engine.AgentState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link StateFileTest}: writes states of growing size to a file in a loop, one line on
 * stdout after each, until it is killed.
 */
public final class CrashingWriter {
    private CrashingWriter() {
    }

    /**
     * @param args the state file
     * @throws Exception if a write fails
     */
    public static void main(String[] args) throws Exception {
        StateFile f = new StateFile(Path.of(args[0]), StateFile.DEFAULT_MAX_BYTES);
        for (int gen = 1; ; gen++) {
            f.write(generation(gen));
            System.out.println(gen);
            System.out.flush();
        }
    }

    /** Generation {@code g}: {@code 200 * (g % 7 + 1)} bindings, each naming the generation, saved at {@code g}. */
    static AgentState generation(int g) {
        List<AgentState.Binding> bs = new ArrayList<>();
        for (int i = 0, n = 200 * (g % 7 + 1); i < n; i++) {
            bs.add(new AgentState.Binding(new Ipv6Address(0x2001_0db8_000a_0000L, i + 1), 1 + i % 65535,
                    new Ipv6Address(0x2001_0db8_0001_0000L, g), "ar@example.net", 1, 0, g & 0xffff, g));
        }
        return new AgentState(g, bs, List.of(new AgentState.ReplayMark(1001, g)), List.of());
    }
}
