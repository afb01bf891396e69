package io.github.bootkernel.junit;

import io.github.bootkernel.engine.AgentException;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecListener;
import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.engine.agent.Execution;
import io.github.bootkernel.engine.agent.GuestAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link Guest}'s requests to its guest agent: the guest's time limit applied to requests that
 * set none, every result remembered with its guest ({@link ExecOrigins}) for the messages of
 * {@link ExecResultAssert}, and failures told in the guest's terms, with the fix for a guest
 * without an agent and the console tail for one that ended or broke the channel.
 */
final class AgentCalls {

    private final Guest guest;
    private final GuestAgent agent;
    private final Duration timeout;

    AgentCalls(Guest guest, GuestAgent agent, Duration timeout) {
        this.guest = Objects.requireNonNull(guest, "guest");
        this.agent = Objects.requireNonNull(agent, "agent");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    Duration timeout() {
        return timeout;
    }

    /**
     * The request with the guest's time limit if it has the default one: {@link Exec} cannot tell
     * a limit never set from one set to {@link Exec#DEFAULT_TIMEOUT}, and both mean "the usual".
     */
    Exec withTimeout(Exec exec) {
        return exec.timeout().equals(Exec.DEFAULT_TIMEOUT) ? exec.timeout(timeout) : exec;
    }

    ExecResult exec(Exec exec) throws InterruptedException {
        Exec request = withTimeout(exec);
        try {
            return ExecOrigins.remember(agent.exec(request), guest);
        } catch (AgentException e) {
            throw explained(e, "run '" + request + "'");
        }
    }

    Execution start(Exec exec, ExecListener listener) throws InterruptedException {
        Exec request = withTimeout(exec);
        Execution running;
        try {
            running = agent.start(request, listener);
        } catch (AgentException e) {
            throw explained(e, "run '" + request + "'");
        }
        return new Execution() {
            @Override
            public Exec exec() {
                return running.exec();
            }

            @Override
            public void signal(int signal) {
                running.signal(signal);
            }

            @Override
            public Optional<ExecResult> await(Duration wait) throws InterruptedException {
                try {
                    return running.await(wait).map(result -> ExecOrigins.remember(result, guest));
                } catch (AgentException e) {
                    throw explained(e, "wait for '" + request + "'");
                }
            }
        };
    }

    void copyToGuest(Path hostFile, String guestPath, int mode) throws InterruptedException {
        long size;
        try {
            size = Files.size(hostFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + hostFile + " to " + guest + ": " + e.getMessage(), e);
        }
        if (size > Guest.MAX_COPY_BYTES) {
            throw new IllegalArgumentException("cannot copy " + hostFile + " to " + guestPath + " in " + guest
                    + ": it has " + size + " bytes, more than the " + Guest.MAX_COPY_BYTES + " a copy may have");
        }
        try {
            agent.copyToGuest(hostFile, guestPath, mode, timeout);
        } catch (AgentException e) {
            throw explained(e, "copy " + hostFile + " to " + guestPath);
        }
    }

    void copyFromGuest(String guestPath, Path hostFile, long maxBytes) throws InterruptedException {
        try {
            agent.copyFromGuest(guestPath, hostFile, maxBytes, timeout);
        } catch (AgentException e) {
            throw explained(e, "copy " + guestPath + " to " + hostFile);
        }
    }

    /**
     * The engine's failure in the guest's terms: which guest, and for a guest without an agent the
     * annotation that gives it one; the console tail when the guest ended or the channel broke.
     */
    AgentException explained(AgentException e, String what) {
        if (e.reason() == AgentException.Reason.NO_AGENT) {
            String image = guest.config().initrd().map(p -> "its initramfs " + p + " is not known to start one")
                    .orElse("it booted no initramfs");
            return new AgentException(e.reason(), "cannot " + what + ": " + guest + " has no guest agent (" + image
                    + "); boot it with @BootKernel(initramfs = \"busybox\"), whose /init starts bootkernel-agent on"
                    + " ttyS1, or name an initramfsFactory that returns an image built with"
                    + " BusyboxInitramfs.create().withAgent()", 0, e);
        }
        String message = guest + ": " + e.getMessage();
        if (e.reason() != AgentException.Reason.REQUEST_FAILED) {
            message = ConsoleTail.append(message, guest.console());
        }
        return new AgentException(e.reason(), message, e.errno().orElse(0), e);
    }
}
