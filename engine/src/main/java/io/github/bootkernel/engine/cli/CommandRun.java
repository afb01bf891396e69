package io.github.bootkernel.engine.cli;

import io.github.bootkernel.engine.AgentException;
import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecListener;
import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.engine.agent.Execution;
import io.github.bootkernel.engine.agent.GuestAgent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code --exec}: runs a shell command in the started guest through its agent and turns its end
 * into the tool's, the way {@code vng -- CMD} does. The command's stdout and stderr are copied to
 * the tool's as they arrive; its exit status becomes the tool's (128 + N for signal N). When it
 * cannot run or finish, the guest's end or the agent's refusal decides (see {@link #status}).
 *
 * <p>A worker thread waits for the agent and the command; the main thread waits for the worker,
 * the guest's end or a stop request (SIGINT, SIGTERM), whichever comes first. A stdout that is
 * closed (a reader such as {@code head} that has seen enough) ends the command with SIGPIPE, as a
 * pipe would.
 */
final class CommandRun {

    /** The time limit of a command when {@code --timeout} sets none: a year, as good as none. */
    static final Duration NO_LIMIT = Duration.ofDays(365);

    private static final int SIGPIPE = 13;

    /**
     * What became of the command.
     *
     * @param result how it ended, or null if it did not run to its end
     * @param failure why it did not, as the agent said, or null
     * @param connected whether the agent had connected
     */
    record Outcome(ExecResult result, AgentException failure, boolean connected) {
    }

    private final StopRequest.GuestEnd guestEnd;
    private final GuestAgent agent;
    private final Exec exec;
    private final OutputStream stdout;
    private final PrintStream stderr;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private volatile boolean connected;
    private volatile Execution running;
    private volatile boolean stdoutGone;

    private CommandRun(StopRequest.GuestEnd guestEnd, GuestAgent agent, String command, Duration limit,
            OutputStream stdout, PrintStream stderr) {
        this.guestEnd = guestEnd;
        this.agent = agent;
        this.exec = Exec.shell(command).timeout(limit);
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Runs the command to its end, the guest's end or a stop request.
     *
     * @param guestEnd the wait for the guest's end, {@code machine::awaitExit}
     * @param agent its agent, {@code machine.agent()} of a machine started with
     *     {@code MachineConfig.agent(true)}
     * @param command the shell command line
     * @param limit how long the agent may take to connect and the command to run
     * @param stop the user's stop requests
     * @param stdout gets the command's stdout
     * @param stderr gets the command's stderr and the tool's messages
     * @return what ended first: the command's result or failure, or empty after a stop request
     */
    static Optional<Outcome> run(StopRequest.GuestEnd guestEnd, GuestAgent agent, String command, Duration limit,
            StopRequest stop, OutputStream stdout, PrintStream stderr) {
        CommandRun run = new CommandRun(guestEnd, agent, command, limit, stdout, stderr);
        Thread worker = new Thread(run::work, "bootkernel-exec");
        worker.setDaemon(true);
        worker.start();
        Thread guest = new Thread(run::watchGuest, "bootkernel-guest-end");
        guest.setDaemon(true);
        guest.start();
        return stop.awaitOrStop(run::await);
    }

    /** The worker: waits for the agent, runs the command and streams its output. */
    private void work() {
        try {
            // The guest's own time limit (the same --timeout) bounds this wait: the agent's wait ends
            // with the guest. A wait of its own with that limit would race the machine's TIMEOUT.
            agent.awaitConnected(NO_LIMIT);
            connected = true;
            running = agent.start(exec, new ExecListener() {
                @Override
                public void stdout(byte[] chunk) {
                    copyToStdout(chunk);
                }

                @Override
                public void stderr(byte[] chunk) {
                    stderr.write(chunk, 0, chunk.length);
                    stderr.flush();
                }
            });
            if (stdoutGone) {
                running.signal(SIGPIPE); // output that failed before start() returned
            }
            Optional<ExecResult> result = Optional.empty();
            while (result.isEmpty()) {
                result = running.await(exec.timeout());
            }
            outcome.complete(new Outcome(result.get(), null, true));
        } catch (AgentException e) {
            outcome.complete(new Outcome(null, e, connected));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // only the JVM's end interrupts this daemon
        } catch (RuntimeException e) {
            outcome.completeExceptionally(e);
        }
    }

    /** A closed stdout ends the command as a broken pipe would; its output is dropped from then. */
    private void copyToStdout(byte[] chunk) {
        if (stdoutGone) {
            return;
        }
        try {
            stdout.write(chunk);
            stdout.flush();
        } catch (IOException e) {
            stdoutGone = true;
            Execution command = running;
            if (command != null) {
                command.signal(SIGPIPE);
            }
        }
    }

    /**
     * Ends the wait when the guest ends, should the agent not report it: the command's outcome
     * normally comes first ({@code GUEST_ENDED}).
     */
    private void watchGuest() {
        try {
            while (guestEnd.await(NO_LIMIT).isEmpty()) {
                // keep waiting
            }
            // Give the agent's own report of the end a moment to arrive first.
            outcome.completeOnTimeout(new Outcome(null, null, connected), 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Optional<Outcome> await(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("running the command failed: " + e.getCause(), e.getCause());
        }
    }

    /** The words for the {@code --kernel-log} line after a message that the agent's channel failed. */
    static final String CHANNEL_FAILED = "the guest agent's channel failed (see above)";

    /**
     * What {@link #status} said on stderr of the agent's trouble, in a few words for the
     * {@code --kernel-log} line that follows it ({@link KernelLogFile#finish}): its channel failed,
     * or it never connected.
     *
     * @param outcome the command's outcome
     * @return the words, or empty when the agent connected and its channel held
     */
    static Optional<String> agentTrouble(Outcome outcome) {
        AgentException failure = outcome.failure();
        if (failure != null && (failure.reason() == AgentException.Reason.CHANNEL_BROKEN
                || failure.reason() == AgentException.Reason.NO_AGENT
                || failure.reason() == AgentException.Reason.NOT_CONNECTED)) {
            return Optional.of(CHANNEL_FAILED);
        }
        if (outcome.result() == null && !outcome.connected()) {
            return Optional.of("the guest agent never connected (see above)");
        }
        return Optional.empty();
    }

    /**
     * The tool's exit status for a command's outcome, after the machine was closed, with a message
     * on stderr when the command did not end by itself.
     *
     * @param outcome the command's outcome
     * @param exit how the guest ended (closing it stops it: {@code STOPPED} after a command's end)
     * @param stderr where the message goes
     * @return the command's status, or what stands for why it has none
     */
    static int status(Outcome outcome, GuestExit exit, PrintStream stderr) {
        ExecResult result = outcome.result();
        if (result != null) {
            if (result.timedOut()) {
                stderr.println("bootkernel: '" + result.exec() + "' reached its time limit of "
                        + result.exec().timeout().toSeconds() + " s and was killed");
                return ExitCodes.TIMEOUT;
            }
            return result.status();
        }
        AgentException failure = outcome.failure();
        if (failure != null && failure.reason() == AgentException.Reason.REQUEST_FAILED) {
            stderr.println("bootkernel: " + failure.getMessage());
            if (failure.errno().isEmpty()) {
                return ExitCodes.TIMEOUT; // killed at its limit, and its end never reported
            }
            return failure.errno().getAsInt() == 2 ? 127 : 126; // ENOENT: as a shell's "not found"
        }
        if (failure != null && (failure.reason() == AgentException.Reason.CHANNEL_BROKEN
                || failure.reason() == AgentException.Reason.NO_AGENT)) {
            stderr.println("bootkernel: " + failure.getMessage());
            return ExitCodes.VMM_ERROR;
        }
        if (failure != null && failure.reason() == AgentException.Reason.NOT_CONNECTED) {
            stderr.println("bootkernel: " + failure.getMessage());
            return ExitCodes.TIMEOUT;
        }
        if (!outcome.connected() && exit.kind() == GuestExit.Kind.TIMEOUT) {
            stderr.println("bootkernel: the guest reached its time limit before its agent connected");
            return ExitCodes.TIMEOUT;
        }
        if (!outcome.connected()) {
            stderr.println("bootkernel: the guest ended (" + exit + ") before its agent connected: the initrd does"
                    + " not start bootkernel-agent on ttyS1 (without --initrd, the tool boots the busybox image,"
                    + " which does)" + (failure == null ? "" : "; " + failure.getMessage()));
            return exit.kind() == GuestExit.Kind.EXIT_STATUS || ExitCodes.of(exit) == ExitCodes.CLEAN
                    ? ExitCodes.VMM_ERROR : ExitCodes.of(exit);
        }
        stderr.println("bootkernel: the guest ended while the command ran: " + exit
                + (failure == null ? "" : " (" + failure.getMessage() + ")"));
        return ExitCodes.of(exit);
    }
}
