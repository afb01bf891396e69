package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.AgentException;
import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecListener;
import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.engine.agent.Execution;
import io.github.bootkernel.engine.agent.GuestAgent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --exec}'s run and its exit statuses, with a scripted agent in place of a guest's: what
 * reaches stdout and stderr, SIGPIPE for a closed stdout, the waits that a stop request or the
 * guest's end cut short, and the status of every outcome.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CommandRunTest {

    private static final Exec SH = Exec.shell("cmd");
    private static final GuestExit STOPPED = new GuestExit(GuestExit.Kind.STOPPED, -1, "");
    private static final StopRequest.GuestEnd RUNS = timeout -> {
        Thread.sleep(timeout.toMillis());
        return Optional.empty();
    };

    private final ByteArrayOutputStream stderrBytes = new ByteArrayOutputStream();
    private final PrintStream stderr = new PrintStream(stderrBytes, true, StandardCharsets.UTF_8);

    private String stderr() {
        return stderrBytes.toString(StandardCharsets.UTF_8);
    }

    private static ExecResult exited(Exec exec, int status, int signal, boolean timedOut) {
        return new ExecResult(exec, status, signal, timedOut, new byte[0], new byte[0], 0, 0, Duration.ofMillis(5));
    }

    /** An agent that connects at once and runs every command the same way. */
    private static final class ScriptedAgent implements GuestAgent {
        final List<Exec> started = new CopyOnWriteArrayList<>();
        final List<Integer> signals = new CopyOnWriteArrayList<>();
        private final byte[] out;
        private final byte[] err;
        private final int status;
        private final CountDownLatch connected;

        ScriptedAgent(String out, String err, int status, CountDownLatch connected) {
            this.out = out.getBytes(StandardCharsets.UTF_8);
            this.err = err.getBytes(StandardCharsets.UTF_8);
            this.status = status;
            this.connected = connected;
        }

        @Override
        public boolean isConnected() {
            return connected.getCount() == 0;
        }

        @Override
        public void awaitConnected(Duration timeout) throws InterruptedException {
            connected.await();
        }

        @Override
        public ExecResult exec(Exec exec) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Execution start(Exec exec, ExecListener listener) {
            started.add(exec);
            listener.stdout(out);
            listener.stderr(err);
            ExecResult result = new ExecResult(exec, signals.isEmpty() ? status : -1, signals.isEmpty() ? 0 : 13,
                    false, out, err, 0, 0, Duration.ofMillis(5));
            return new Execution() {
                @Override
                public Exec exec() {
                    return exec;
                }

                @Override
                public void signal(int signal) {
                    signals.add(signal);
                }

                @Override
                public Optional<ExecResult> await(Duration timeout) {
                    return Optional.of(signals.isEmpty() ? result : new ExecResult(exec, -1, 13, false, out, err, 0, 0,
                            Duration.ofMillis(5)));
                }
            };
        }

        @Override
        public void copyToGuest(Path hostFile, String guestPath, int mode, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void copyFromGuest(String guestPath, Path hostFile, long maxBytes, Duration timeout) {
            throw new UnsupportedOperationException();
        }
    }

    private static StopRequest stop() {
        return new StopRequest(first -> { });
    }

    @Test
    void theCommandsStreamsBecomeTheToolsAndItsStatusTheToolsStatus() {
        ScriptedAgent agent = new ScriptedAgent("out\n", "err\n", 7, new CountDownLatch(0));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();

        CommandRun.Outcome outcome = CommandRun.run(RUNS, agent, "echo out; echo err >&2; exit 7",
                Duration.ofSeconds(30), stop(), stdout, stderr).orElseThrow();

        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("out\n");
        assertThat(stderr()).isEqualTo("err\n");
        assertThat(agent.started).extracting(Exec::command)
                .containsExactly(List.of("/bin/sh", "-c", "echo out; echo err >&2; exit 7"));
        assertThat(agent.started).extracting(Exec::timeout).containsExactly(Duration.ofSeconds(30));
        assertThat(CommandRun.status(outcome, STOPPED, stderr)).isEqualTo(7);
        assertThat(stderr()).as("nothing of the tool's own").isEqualTo("err\n");
    }

    @Test
    void aClosedStdoutEndsTheCommandWithSigpipe() {
        ScriptedAgent agent = new ScriptedAgent("lots\n", "", 0, new CountDownLatch(0));
        OutputStream closed = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };

        CommandRun.Outcome outcome = CommandRun.run(RUNS, agent, "yes", Duration.ofSeconds(30), stop(), closed, stderr)
                .orElseThrow();

        assertThat(agent.signals).containsExactly(13);
        assertThat(CommandRun.status(outcome, STOPPED, stderr)).isEqualTo(141);
    }

    @Test
    void aStopRequestEndsTheWaitForAnAgentThatNeverComes() throws InterruptedException {
        ScriptedAgent agent = new ScriptedAgent("", "", 0, new CountDownLatch(1));
        StopRequest stop = stop();
        Thread signal = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            stop.request(StopRequest.Reason.SIGTERM);
        });
        signal.start();

        assertThat(CommandRun.run(RUNS, agent, "true", Duration.ofSeconds(30), stop, OutputStream.nullOutputStream(),
                stderr)).isEmpty();
        signal.join();
        assertThat(stop.requested()).contains(StopRequest.Reason.SIGTERM);
    }

    @Test
    void theGuestsEndEndsTheWaitWhenTheAgentSaysNothing() {
        ScriptedAgent agent = new ScriptedAgent("", "", 0, new CountDownLatch(1));
        GuestExit end = new GuestExit(GuestExit.Kind.EXIT_STATUS, 0, "");

        CommandRun.Outcome outcome = CommandRun.run(timeout -> Optional.of(end), agent, "true", Duration.ofSeconds(30),
                stop(), OutputStream.nullOutputStream(), stderr).orElseThrow();

        assertThat(outcome.connected()).isFalse();
        assertThat(outcome.result()).isNull();
        assertThat(CommandRun.status(outcome, end, stderr)).isEqualTo(ExitCodes.VMM_ERROR);
        assertThat(stderr()).startsWith("bootkernel: the guest ended (exit status 0) before its agent connected: the"
                + " initrd does not start bootkernel-agent on ttyS1");
    }

    @Test
    void statusOfEveryOutcome() {
        assertThat(status(new CommandRun.Outcome(exited(SH, 3, 0, false), null, true), STOPPED)).isEqualTo(3);
        assertThat(status(new CommandRun.Outcome(exited(SH, -1, 9, false), null, true), STOPPED)).isEqualTo(137);
        Exec limited = SH.timeout(Duration.ofSeconds(5));
        assertThat(status(new CommandRun.Outcome(exited(limited, -1, 9, true), null, true), STOPPED)).isEqualTo(124);
        assertThat(stderr()).isEqualTo("bootkernel: '/bin/sh -c cmd' reached its time limit of 5 s and was killed\n");

        assertThat(status(failed(AgentException.Reason.REQUEST_FAILED, 2, true), STOPPED)).isEqualTo(127);
        assertThat(status(failed(AgentException.Reason.REQUEST_FAILED, 13, true), STOPPED)).isEqualTo(126);
        assertThat(status(failed(AgentException.Reason.REQUEST_FAILED, 0, true), STOPPED)).as("its end never came")
                .isEqualTo(124);
        assertThat(status(failed(AgentException.Reason.NOT_CONNECTED, 0, false), STOPPED)).isEqualTo(124);
        assertThat(status(failed(AgentException.Reason.CHANNEL_BROKEN, 0, true), STOPPED)).isEqualTo(125);
        assertThat(status(failed(AgentException.Reason.NO_AGENT, 0, false), STOPPED)).isEqualTo(125);

        GuestExit panic = new GuestExit(GuestExit.Kind.PANIC, -1, "Kernel panic");
        assertThat(status(failed(AgentException.Reason.GUEST_ENDED, 0, false), panic)).isEqualTo(123);
        GuestExit reset = new GuestExit(GuestExit.Kind.RESET, -1, "");
        assertThat(status(failed(AgentException.Reason.GUEST_ENDED, 0, false), reset)).isEqualTo(125);
        GuestExit three = new GuestExit(GuestExit.Kind.EXIT_STATUS, 3, "");
        assertThat(status(failed(AgentException.Reason.GUEST_ENDED, 0, true), three)).isEqualTo(3);
        assertThat(stderr()).contains("bootkernel: the guest ended while the command ran: exit status 3 (");
    }

    @Test
    void agentTroubleNamesWhatStatusSaidOfTheAgent() {
        String channel = "the guest agent's channel failed (see above)";
        assertThat(CommandRun.agentTrouble(failed(AgentException.Reason.CHANNEL_BROKEN, 0, false))).contains(channel);
        assertThat(CommandRun.agentTrouble(failed(AgentException.Reason.NO_AGENT, 0, false))).contains(channel);
        assertThat(CommandRun.agentTrouble(failed(AgentException.Reason.NOT_CONNECTED, 0, false))).contains(channel);
        assertThat(CommandRun.agentTrouble(failed(AgentException.Reason.GUEST_ENDED, 0, false)))
                .contains("the guest agent never connected (see above)");
        assertThat(CommandRun.agentTrouble(new CommandRun.Outcome(null, null, false)))
                .contains("the guest agent never connected (see above)");
        assertThat(CommandRun.agentTrouble(failed(AgentException.Reason.REQUEST_FAILED, 2, true))).isEmpty();
        assertThat(CommandRun.agentTrouble(failed(AgentException.Reason.GUEST_ENDED, 0, true))).isEmpty();
        assertThat(CommandRun.agentTrouble(new CommandRun.Outcome(exited(SH, 0, 0, false), null, true))).isEmpty();
    }

    private int status(CommandRun.Outcome outcome, GuestExit exit) {
        return CommandRun.status(outcome, exit, stderr);
    }

    private static CommandRun.Outcome failed(AgentException.Reason reason, int errno, boolean connected) {
        return new CommandRun.Outcome(null, new AgentException(reason, "why: " + reason, errno, null), connected);
    }
}
