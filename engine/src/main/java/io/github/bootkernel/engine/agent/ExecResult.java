package io.github.bootkernel.engine.agent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a program run in the guest ended, and what it printed: its exit status or the signal that
 * killed it, its standard output and standard error apart, and how long it ran.
 *
 * <p>The host keeps at most {@link #MAX_KEPT_BYTES} of each stream; what a program writes beyond
 * that is counted ({@link #stdoutDropped()}) but not kept.
 */
public final class ExecResult {

    /** The most bytes kept of each stream: 64 MiB. */
    public static final int MAX_KEPT_BYTES = 64 << 20;

    private final Exec exec;
    private final int exitStatus;
    private final int signal;
    private final boolean timedOut;
    private final byte[] stdout;
    private final byte[] stderr;
    private final long stdoutDropped;
    private final long stderrDropped;
    private final Duration duration;

    /**
     * @param exec what ran
     * @param exitStatus the exit status 0-255, or -1 when a signal ended it
     * @param signal the signal that ended it, or 0 when it exited
     * @param timedOut whether the host killed it at its time limit
     * @param stdout its standard output, as kept
     * @param stderr its standard error, as kept
     * @param stdoutDropped bytes of standard output beyond {@link #MAX_KEPT_BYTES}
     * @param stderrDropped bytes of standard error beyond {@link #MAX_KEPT_BYTES}
     * @param duration from the request to its end
     */
    public ExecResult(Exec exec, int exitStatus, int signal, boolean timedOut, byte[] stdout, byte[] stderr,
                      long stdoutDropped, long stderrDropped, Duration duration) {
        this.exec = Objects.requireNonNull(exec, "exec");
        if ((exitStatus < 0) == (signal <= 0) || exitStatus > 255 || signal > 64) {
            throw new IllegalArgumentException("exactly one of exit status (0-255) and signal (1-64) must be set, got "
                    + exitStatus + " and " + signal);
        }
        this.exitStatus = exitStatus;
        this.signal = signal;
        this.timedOut = timedOut;
        this.stdout = stdout.clone();
        this.stderr = stderr.clone();
        this.stdoutDropped = stdoutDropped;
        this.stderrDropped = stderrDropped;
        this.duration = Objects.requireNonNull(duration, "duration");
    }

    /** @return what ran */
    public Exec exec() {
        return exec;
    }

    /** @return the exit status 0-255, or empty when a signal ended the program */
    public OptionalInt exitCode() {
        return exitStatus < 0 ? OptionalInt.empty() : OptionalInt.of(exitStatus);
    }

    /** @return the signal that ended the program, or empty when it exited */
    public OptionalInt signal() {
        return signal == 0 ? OptionalInt.empty() : OptionalInt.of(signal);
    }

    /** @return the shell's view of the end: the exit status, or 128 + the signal */
    public int status() {
        return exitStatus >= 0 ? exitStatus : 128 + signal;
    }

    /** @return whether the host killed the program at its time limit */
    public boolean timedOut() {
        return timedOut;
    }

    /** @return whether it exited with status 0 within its time limit */
    public boolean succeeded() {
        return exitStatus == 0 && !timedOut;
    }

    /** @return the standard output decoded as UTF-8 (malformed bytes become U+FFFD) */
    public String stdout() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** @return the standard error decoded as UTF-8 (malformed bytes become U+FFFD) */
    public String stderr() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /** @return a copy of the standard output's bytes */
    public byte[] stdoutBytes() {
        return stdout.clone();
    }

    /** @return a copy of the standard error's bytes */
    public byte[] stderrBytes() {
        return stderr.clone();
    }

    /** @return bytes of standard output written beyond {@link #MAX_KEPT_BYTES}, not kept */
    public long stdoutDropped() {
        return stdoutDropped;
    }

    /** @return bytes of standard error written beyond {@link #MAX_KEPT_BYTES}, not kept */
    public long stderrDropped() {
        return stderrDropped;
    }

    /** @return from the request to the program's end */
    public Duration duration() {
        return duration;
    }

    /** @return for example {@code "sh -c 'exit 7': exit status 7 after 12 ms"} */
    @Override
    public String toString() {
        String end = signal != 0 ? "killed by signal " + signal + (timedOut ? " at its time limit" : "")
                : "exit status " + exitStatus;
        return exec + ": " + end + " after " + duration.toMillis() + " ms";
    }
}
