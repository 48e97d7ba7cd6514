package io.mga.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every example runs on the simulated network and says what it should. */
class ExamplesTest {

    interface Main {
        void run() throws Exception;
    }

    static synchronized String output(Main m) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        System.setOut(new PrintStream(b, true, StandardCharsets.UTF_8));
        try {
            m.run();
        } finally {
            System.setOut(old);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void agent() throws Exception {
        String out = output(() -> AnycastAgentExample.main(new String[0]));
        assertThat(out).contains("Registered").contains("bindings for 2001:db8:a::53: 2")
                .contains("bindings for 2001:db8:a::53: 1").contains("Deregistered");
    }

    @Test
    void service() throws Exception {
        assertThat(output(() -> UdpAnycastServiceExample.main(new String[0])))
                .contains("responder state: REGISTERED").contains("ar1 says HELLO ANYCAST (from 2001:db8:a::53");
    }

    @Test
    void client() throws Exception {
        assertThat(output(() -> AnycastClientExample.main(new String[0])))
                .contains("answer 1: ar1 says QUERY 1 (from 2001:db8:a::53, through the agent)")
                .contains("directly from 2001:db8:1::100");
    }

    @Test
    void failover() throws Exception {
        assertThat(output(() -> FailoverWalkthrough.main(new String[0]))).contains("crashes")
                .contains("failed over to the other responder");
    }
}
