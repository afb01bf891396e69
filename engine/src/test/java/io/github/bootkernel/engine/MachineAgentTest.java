package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.agent.Exec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Machine#agent()} over COM2 with a hand-assembled guest that says HELLO as the agent
 * would (docs/guest-agent-protocol.md) and then goes away: the client connects, and the guest's
 * end fails a request in flight with the guest's end in words, promptly.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MachineAgentTest {

    private static final long PROMPTLY_S = 5;
    /** WELCOME, the host's answer to HELLO: 12 bytes of header, 6 of payload, 4 of CRC. */
    private static final int WELCOME_BYTES = 22;

    @TempDir
    Path dir;

    private Machine start(byte[] code, boolean agent) throws IOException {
        return Machine.start(MachineConfig.builder(TinyGuests.write(dir, "hello", code)).memoryMiB(32).agent(agent)
                .build());
    }

    @Test
    void theAgentConnectsAndTheGuestsEndFailsARequestInFlight() throws Exception {
        // The guest exits (status 3) in the middle of the EXEC frame that follows WELCOME.
        try (Machine m = start(SerialGuests.sendReadExit(hello(), WELCOME_BYTES + 10, 3), true)) {
            m.agent().awaitConnected(Duration.ofSeconds(20));
            assertThat(m.agent().isConnected()).isTrue();

            long t0 = System.nanoTime();
            assertThatThrownBy(() -> m.agent().exec(Exec.of("true").timeout(Duration.ofSeconds(60))))
                    .isInstanceOf(AgentException.class)
                    .hasMessageContaining("the guest ended (exit status 3)")
                    .satisfies(e -> assertThat(((AgentException) e).reason()).isEqualTo(AgentException.Reason.GUEST_ENDED));
            assertThat(System.nanoTime() - t0).as("ns until the request failed").isLessThan(TimeUnit.SECONDS.toNanos(PROMPTLY_S));
            assertThat(m.exit()).hasValueSatisfying(e -> assertThat(e.toString()).isEqualTo("exit status 3"));
        }
    }

    @Test
    void closeFailsARequestInFlight() throws Exception {
        Machine m = start(SerialGuests.sendReadExit(hello(), Integer.MAX_VALUE, 3), true);
        m.agent().awaitConnected(Duration.ofSeconds(20));
        CompletableFuture<Object> exec = CompletableFuture.supplyAsync(() -> {
            try {
                return m.agent().exec(Exec.of("sleep", "1000"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(exec).isNotDone();

        m.close();

        assertThat(exec).failsWithin(PROMPTLY_S, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(AgentException.class)
                .withMessageContaining("the guest ended (STOPPED: closed by the host)");
    }

    @Test
    void withoutTheAgentEveryRequestFailsAtOnce() throws Exception {
        try (Machine m = start(SerialGuests.sendReadExit(hello(), 1, 0), false)) {
            assertThatThrownBy(() -> m.agent().exec(Exec.of("true")))
                    .isInstanceOf(AgentException.class)
                    .satisfies(e -> assertThat(((AgentException) e).reason()).isEqualTo(AgentException.Reason.NO_AGENT));
        }
    }

    /** HELLO for versions 2 to 2, agent "tiny-hello". */
    private static byte[] hello() {
        return SerialGuests.hello("tiny-hello", 2);
    }
}
