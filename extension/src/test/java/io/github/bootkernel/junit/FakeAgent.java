package io.github.bootkernel.junit;

import io.github.bootkernel.engine.AgentException;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecListener;
import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.engine.agent.Execution;
import io.github.bootkernel.engine.agent.GuestAgent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A guest agent that answers every command with exit status 0 and its command line on stdout, or
 * fails every request with a given exception; it records what it was asked.
 */
final class FakeAgent implements GuestAgent {

    final List<Exec> execs = new CopyOnWriteArrayList<>();
    final List<String> copies = new CopyOnWriteArrayList<>();
    private final AgentException failure;

    FakeAgent() {
        this(null);
    }

    FakeAgent(AgentException failure) {
        this.failure = failure;
    }

    /** A result as a command that ran would have it. */
    static ExecResult result(Exec exec, int status, int signal, boolean timedOut, String stdout, String stderr) {
        return new ExecResult(exec, status, signal, timedOut, stdout.getBytes(StandardCharsets.UTF_8),
                stderr.getBytes(StandardCharsets.UTF_8), 0, 0, Duration.ofMillis(12));
    }

    @Override
    public boolean isConnected() {
        return failure == null;
    }

    @Override
    public void awaitConnected(Duration timeout) {
        fail();
    }

    @Override
    public ExecResult exec(Exec exec) {
        fail();
        execs.add(exec);
        return result(exec, 0, 0, false, exec + "\n", "");
    }

    @Override
    public Execution start(Exec exec, ExecListener listener) {
        ExecResult result = exec(exec);
        listener.stdout(result.stdoutBytes());
        return new Execution() {
            @Override
            public Exec exec() {
                return exec;
            }

            @Override
            public void signal(int signal) {
            }

            @Override
            public Optional<ExecResult> await(Duration timeout) {
                return Optional.of(result);
            }
        };
    }

    @Override
    public void copyToGuest(Path hostFile, String guestPath, int mode, Duration timeout) {
        fail();
        copies.add("to " + hostFile.getFileName() + " " + guestPath + " 0" + Integer.toOctalString(mode) + " "
                + timeout);
    }

    @Override
    public void copyFromGuest(String guestPath, Path hostFile, long maxBytes, Duration timeout) {
        fail();
        copies.add("from " + guestPath + " " + hostFile.getFileName() + " " + maxBytes + " " + timeout);
    }

    private void fail() {
        if (failure != null) {
            throw failure;
        }
    }
}
