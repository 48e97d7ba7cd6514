package io.mga.pcapio;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.ResponderCredentials;
import io.mga.engine.AnycastResponder;
import io.mga.engine.HomeAnycastAgent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offline mode: a responder's registration recorded to a capture, then replayed into an agent, which registers
 * it and answers; replaying the same file again is refused (replay protection), as it should be.
 */
class ReplayTest {
    static final Ipv6Address AA = Ipv6Address.parse("2001:db8:a::53");
    static final Ipv6Address HAA = Ipv6Address.parse("2001:db8:a::1");
    static final Ipv6Address PUA = Ipv6Address.parse("2001:db8:1::100");
    static final long T0 = 1_700_000_000_000_000_000L;

    @Test
    void aRecordedRegistrationReplaysIntoAnAgentOnce(@TempDir Path dir) throws Exception {
        Bytes key = Bytes.fromHex("00112233445566778899aabbccddeeff");
        Path file = dir.resolve("bu.pcap");
        try (PcapRecorder rec = PcapRecorder.create(file)) {
            // the responder's clock is Unix time here, so its wall-clock offset is 0
            AnycastResponder r = AnycastResponder.builder().anycast(AA).careOf(PUA).agent(HAA)
                    .credentials("ar1@example.net", 1001, key).bindingId(1).epochClock(io.mga.api.EpochClock.offset(0))
                    .io((b, o, l) -> rec.record(T0, b, o, l)).build(T0);
            r.start(T0);
        }
        List<byte[]> sent = new ArrayList<>();
        HomeAnycastAgent haa = HomeAnycastAgent.builder().address(HAA).serve(Ipv6Prefix.parse("2001:db8:a::/64"))
                .responder(new ResponderCredentials("ar1@example.net", 1001, key,
                        List.of(Ipv6Prefix.parse("2001:db8:a::/64"))))
                .epochClock(io.mga.api.EpochClock.offset(0)).io((b, o, l) -> sent.add(java.util.Arrays.copyOfRange(b, o, o + l))).build(T0);
        Replay.Result first = Replay.into(file, haa);
        assertThat(first.packets()).isEqualTo(1);
        assertThat(first.lastNanos()).isEqualTo(T0);
        assertThat(haa.bindings(AA)).hasSize(1);
        assertThat(sent).hasSize(1);
        Replay.into(file, haa);
        assertThat(haa.counters().rejected()).as("the same BU again is a replay").isEqualTo(1);
        assertThat(haa.bindings(AA)).hasSize(1);
    }
}
