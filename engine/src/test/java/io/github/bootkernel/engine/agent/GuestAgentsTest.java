package io.github.bootkernel.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.AgentException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The exported factory over plain JDK pipes, against the bytes of the protocol written by hand
 * (CRC-32 from Python's zlib): the handshake, one command, and {@code close()}.
 */
@Timeout(60)
class GuestAgentsTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String HELLO =
            "bc4b0100000000001c00000002000200000001001200626f6f746b65726e656c2d6167656e7420324fbcf494";
    private static final String WELCOME = "bc4b020000000000060000000200000001003b8ed632";
    private static final String EXEC_TRUE = "bc4b10000100000010000000000000000100040074727565000000007afdc3af";
    private static final String STARTED_42 = "bc4b110001000000040000002a00000012a966fa";
    private static final String STDOUT_HI = "bc4b1200010000000300000068690a26336739";
    private static final String EXITED_0 = "bc4b140001000000040000000000000025884ab1";

    @Test
    void speaksTheProtocolOverAnyStreams() throws Exception {
        PipedInputStream fromAgent = new PipedInputStream(1 << 16);
        PipedOutputStream agentWrites = new PipedOutputStream(fromAgent);
        PipedInputStream agentReads = new PipedInputStream(1 << 16);
        PipedOutputStream toAgent = new PipedOutputStream(agentReads);

        Set<Thread> before = Thread.getAllStackTraces().keySet();
        AgentConnection connection = GuestAgents.over(fromAgent, toAgent, "a pipe");
        Set<Thread> mine = new HashSet<>(Thread.getAllStackTraces().keySet());
        mine.removeAll(before);
        try (connection) {
            assertThat(connection.isConnected()).isFalse();
            assertThat(connection).hasToString("the agent on a pipe");
            agentWrites.write(HEX.parseHex(HELLO));
            agentWrites.flush();
            connection.awaitConnected(Duration.ofSeconds(5));
            assertThat(HEX.formatHex(agentReads.readNBytes(WELCOME.length() / 2))).isEqualTo(WELCOME);

            CompletableFuture<ExecResult> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return connection.exec(Exec.of("true"));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(HEX.formatHex(agentReads.readNBytes(EXEC_TRUE.length() / 2))).isEqualTo(EXEC_TRUE);
            for (String frame : List.of(STARTED_42, STDOUT_HI, EXITED_0)) {
                agentWrites.write(HEX.parseHex(frame));
            }
            agentWrites.flush();
            ExecResult result = run.get(5, TimeUnit.SECONDS);
            Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("bootkernel-agent-timer-"))
                    .filter(t -> !before.contains(t)).forEach(mine::add);
            assertThat(result.exitCode()).hasValue(0);
            assertThat(result.stdout()).isEqualTo("hi\n");
        }
        assertThat(connection.isConnected()).isFalse();
        assertThatThrownBy(() -> connection.exec(Exec.of("true")))
                .isInstanceOfSatisfying(AgentException.class,
                        e -> assertThat(e.reason()).isEqualTo(AgentException.Reason.GUEST_ENDED))
                .hasMessage("cannot run 'true': the connection to the agent on a pipe was closed");
        assertThat(mine).extracting(Thread::getName).anyMatch(n -> n.startsWith("bootkernel-agent-reader-"))
                .anyMatch(n -> n.startsWith("bootkernel-agent-writer-")).anyMatch(n -> n.startsWith("bootkernel-agent-timer-"));
        assertThat(mine).noneMatch(Thread::isAlive);
    }
}
