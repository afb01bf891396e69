package io.github.bootkernel.engine.agent.internal;

import io.github.bootkernel.engine.AgentException.Reason;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecListener;
import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.engine.agent.Execution;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;

/**
 * An EXEC request: the program's output kept (and handed to its listener) as it arrives, its end,
 * and its time limit. At the limit the timer sends KILL with SIGKILL and the result says timed out;
 * if the agent has not reported the end a grace later ({@link #KILL_GRACE} unless the channel
 * says otherwise), the request fails
 * ({@link Reason#REQUEST_FAILED}, no errno) and its late frames are discarded.
 */
final class ExecCall extends Call implements Execution {

    /** How long after the SIGKILL at its time limit a program's end may take to be reported. */
    static final Duration KILL_GRACE = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger(ExecCall.class.getName());
    private static final int SIGKILL = 9;

    private final Exec exec;
    private final ExecListener listener;
    private final long startNanos;
    private final Deadline deadline;
    // The reader thread's only.
    private final KeptOutput stdout = new KeptOutput(ExecResult.MAX_KEPT_BYTES);
    private final KeptOutput stderr = new KeptOutput(ExecResult.MAX_KEPT_BYTES);
    private boolean wireStarted;
    private boolean listening = true;
    // Guarded by this.
    private boolean started;
    private boolean killedAtLimit;
    private ExecResult result;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>(2);

    /**
     * @param channel the channel
     * @param exec what to run
     * @param listener receives the output as it arrives
     * @param startNanos when the caller asked, on {@code System.nanoTime()}'s clock
     * @param deadline the program's time limit
     */
    ExecCall(Channel channel, Exec exec, ExecListener listener, long startNanos, Deadline deadline) {
        super(channel, "run '" + exec + "'");
        this.exec = exec;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.startNanos = startNanos;
        this.deadline = deadline;
    }

    /**
     * The EXEC payload of a request.
     *
     * @param exec what to run
     * @return the payload
     * @throws IllegalArgumentException if it does not fit one frame
     */
    static byte[] payload(Exec exec) {
        List<String> env = new ArrayList<>();
        exec.env().forEach((k, v) -> env.add(k + "=" + v));
        byte[] payload = new Payloads.ExecRequest(0, exec.command(), env, exec.workdir().orElse("")).encode();
        if (payload.length > Frame.MAX_PAYLOAD) {
            throw new IllegalArgumentException("'" + exec + "' does not fit one EXEC frame: its arguments, environment"
                    + " and directory take " + payload.length + " bytes, above the protocol's " + Frame.MAX_PAYLOAD);
        }
        return payload;
    }

    /** Starts the time limit: call once the request was sent. */
    void startTimeLimit() {
        ScheduledFuture<?> kill = channel().schedule(this::timeLimitPassed, deadline);
        ScheduledFuture<?> give = channel().schedule(this::graceOver, deadline.plus(channel().killGrace()));
        synchronized (this) {
            for (ScheduledFuture<?> t : new ScheduledFuture<?>[] {kill, give}) {
                if (t != null) {
                    timers.add(t);
                }
            }
            if (done()) {
                cancelTimers();
            }
        }
    }

    @Override
    public Exec exec() {
        return exec;
    }

    @Override
    public void signal(int signal) {
        if (signal < 1 || signal > Payloads.MAX_SIGNAL) {
            throw new IllegalArgumentException("a signal number is 1 to " + Payloads.MAX_SIGNAL + ", got " + signal);
        }
        if (!done()) {
            channel().send(this, FrameType.KILL, new Payloads.Kill(signal).encode());
        }
    }

    @Override
    public Optional<ExecResult> await(Duration timeout) throws InterruptedException {
        if (!awaitDone(Deadline.after(timeout))) {
            return Optional.empty();
        }
        return Optional.of(result());
    }

    /**
     * Waits for the end: the timer ends the request at the latest a grace after the time limit.
     *
     * @return the result
     * @throws io.github.bootkernel.engine.AgentException if the request failed
     * @throws InterruptedException if the thread is interrupted (the caller kills the program)
     */
    ExecResult awaitResult() throws InterruptedException {
        Deadline last = deadline.plus(channel().killGrace());
        if (!awaitDone(last)) {
            timeLimitPassed(); // only if the timer could not run: the channel was closed
            graceOver();
        }
        return result();
    }

    /**
     * Waits until the program has started, or the request has ended.
     *
     * @throws io.github.bootkernel.engine.AgentException if the request failed
     * @throws InterruptedException if the thread is interrupted (the caller kills the program)
     */
    void awaitStarted() throws InterruptedException {
        Deadline last = deadline.plus(channel().killGrace());
        synchronized (this) {
            while (!started && !done()) {
                if (!last.await(this)) {
                    graceOver();
                }
            }
        }
        throwIfFailed();
    }

    /**
     * Kills the program with SIGKILL for a caller that stops waiting: the request ends for the
     * host at once, and the rest of its output is discarded as it arrives.
     */
    void abandon() {
        if (fail(Reason.REQUEST_FAILED, "the waiting thread was interrupted")) {
            channel().send(this, FrameType.KILL, new Payloads.Kill(SIGKILL).encode());
        }
    }

    @Override
    boolean onFrame(Frame f) throws BadFrameException {
        switch (f.type()) {
            case STARTED:
                if (wireStarted) {
                    throw unexpected(f, "a second STARTED");
                }
                Payloads.Started.decode(f.payload());
                wireStarted = true;
                synchronized (this) {
                    started = true;
                    notifyAll();
                }
                return false;
            case STDOUT:
            case STDERR:
                requireStarted(f);
                output(f.type() == FrameType.STDOUT, f.payload());
                return false;
            case EXITED:
                requireStarted(f);
                finish(Payloads.Exited.decode(f.payload()).status(), 0);
                return true;
            case SIGNALED:
                requireStarted(f);
                finish(-1, (int) Payloads.Signaled.decode(f.payload()).signal());
                return true;
            case ERROR:
                failWith(Payloads.ErrorReply.decode(f.payload()), "the agent could not start it");
                return true;
            default:
                throw unexpected(f, f.type() + " is not an answer to EXEC");
        }
    }

    @Override
    void onFailed() {
        cancelTimers();
    }

    private void requireStarted(Frame f) throws BadFrameException {
        if (!wireStarted) {
            throw unexpected(f, f.type() + " before STARTED");
        }
    }

    private void output(boolean isStdout, byte[] chunk) {
        if (done()) {
            return;
        }
        (isStdout ? stdout : stderr).add(chunk);
        if (listening) {
            try {
                if (isStdout) {
                    listener.stdout(chunk);
                } else {
                    listener.stderr(chunk);
                }
            } catch (RuntimeException e) {
                listening = false;
                LOG.log(Level.WARNING, "the output listener of '" + exec + "' threw; it gets no more output", e);
            }
        }
    }

    private void finish(int exitStatus, int signal) {
        Duration ran = Duration.ofNanos(System.nanoTime() - startNanos);
        synchronized (this) {
            if (done()) {
                return;
            }
            result = new ExecResult(exec, exitStatus, signal, killedAtLimit, stdout.kept(), stderr.kept(),
                    stdout.dropped(), stderr.dropped(), ran);
            cancelTimers();
            succeed();
        }
    }

    private synchronized ExecResult result() {
        throwIfFailed();
        return result;
    }

    private void timeLimitPassed() {
        synchronized (this) {
            if (done() || killedAtLimit) {
                return;
            }
            killedAtLimit = true;
        }
        channel().send(this, FrameType.KILL, new Payloads.Kill(SIGKILL).encode());
    }

    private void graceOver() {
        fail(Reason.REQUEST_FAILED, "it outlived its time limit of " + deadline.describeLimit() + " and the agent did"
                + " not report its end within " + Deadline.describe(channel().killGrace()) + " of its SIGKILL");
    }

    private void cancelTimers() {
        synchronized (this) {
            timers.forEach(t -> t.cancel(false));
            timers.clear();
        }
    }
}
