package io.github.bootkernel.engine;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The silence watchdog: ends the guest as {@link GuestExit.Kind#SILENT} once it has written
 * nothing to its console for {@link MachineConfig#silenceTimeout()}, naming the last line and how
 * long ago it came, so a hang says where the guest went quiet.
 *
 * <p>The vCPU thread that wrote it notes each console byte ({@link #output()}) and each completed line
 * ({@link #line(String)}): a clock read and a field write, nothing that waits. The checks run on
 * the JDK's shared delay thread, one at a time: each looks at the time of the last byte and either
 * ends the guest or schedules the next check for the moment the silence would be complete, so a
 * guest that keeps talking costs one check per silence time.
 *
 * <p>A console byte the guest wrote through KVM's coalesced ring ({@link CoalescedPio}) reaches
 * {@link #output()} only when a thread drains the ring; a guest that printed and then spins waits
 * for the drain thread, which a loaded host may keep from running for a second or more (seen in
 * CI: the verdict came while the guest's last 17 bytes were still in the ring). So a silence is
 * only complete when no console byte waits there: while one does, the check looks again
 * {@value #PENDING_RECHECK_MILLIS} ms later.
 */
final class SilenceWatch {

    /** How soon a check looks again when console bytes wait to be drained, in milliseconds. */
    static final long PENDING_RECHECK_MILLIS = 10;

    private final long timeoutNanos;
    private final String timeoutText;
    private final Consumer<GuestExit> end;
    private final BooleanSupplier ended;
    private final Supplier<String> partialLine;
    private final BooleanSupplier outputPending;
    private final LongSupplier nanoTime;
    private final long startedAt;
    /** When the last console byte came; {@link #startedAt} before the first. */
    private volatile long lastOutputAt;
    private volatile boolean anyOutput;
    /** The last complete line that is not blank, or null; and when it completed. */
    private volatile String lastLine;
    private volatile long lastLineAt;

    /**
     * @param timeoutNanos the silence time, positive
     * @param timeoutText the silence time in words, for the detail ({@code "30 s"})
     * @param end ends the guest (the machine's first end wins)
     * @param ended whether the guest has ended, so the checks stop
     * @param partialLine the console's unterminated line (a prompt), read when the silence is complete
     * @param outputPending whether console bytes the guest wrote wait to reach {@link #output()}
     *     (in KVM's coalesced ring); must not wait
     * @param nanoTime the clock
     */
    SilenceWatch(long timeoutNanos, String timeoutText, Consumer<GuestExit> end, BooleanSupplier ended,
            Supplier<String> partialLine, BooleanSupplier outputPending, LongSupplier nanoTime) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("the silence time must be positive, got " + timeoutNanos + " ns");
        }
        this.timeoutNanos = timeoutNanos;
        this.timeoutText = timeoutText;
        this.end = end;
        this.ended = ended;
        this.partialLine = partialLine;
        this.outputPending = outputPending;
        this.nanoTime = nanoTime;
        this.startedAt = nanoTime.getAsLong();
        this.lastOutputAt = startedAt;
    }

    /** Starts the checks: the first comes one silence time after this watch was made. */
    void start() {
        schedule(timeoutNanos);
    }

    /** The guest wrote a console byte; vCPU thread. */
    void output() {
        lastOutputAt = nanoTime.getAsLong();
        anyOutput = true;
    }

    /** The console completed a line; vCPU thread, after {@link #output()} for its last byte. */
    void line(String text) {
        if (!text.isBlank()) {
            lastLine = text;
            lastLineAt = lastOutputAt;
        }
    }

    private void schedule(long delayNanos) {
        CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS, Runnable::run).execute(this::tick);
    }

    private void tick() {
        if (ended.getAsBoolean()) {
            return;
        }
        long next = check();
        if (next > 0) {
            schedule(next);
        }
    }

    /**
     * Ends the guest if the silence is complete, otherwise says when to look again.
     *
     * @return nanoseconds until the silence would be complete (or until console bytes waiting in
     *     the ring may have been drained), or 0 after ending the guest
     */
    long check() {
        long now = nanoTime.getAsLong();
        long last = lastOutputAt;
        long quiet = now - last;
        if (quiet < timeoutNanos) {
            return timeoutNanos - quiet;
        }
        if (outputPending.getAsBoolean()) {
            return TimeUnit.MILLISECONDS.toNanos(PENDING_RECHECK_MILLIS);
        }
        String detail = detail(now);
        if (lastOutputAt != last) {
            // The guest spoke while its silence was being described: the count starts again.
            return Math.max(1, timeoutNanos - (nanoTime.getAsLong() - lastOutputAt));
        }
        end.accept(GuestExit.of(GuestExit.Kind.SILENT, detail));
        return 0;
    }

    /**
     * What the guest last said: {@code no console output for 30 s; the last line, 31.2 s ago:
     * 'init: ready'; after it, unterminated, 30.0 s ago: '/ # '}.
     */
    private String detail(long now) {
        if (!anyOutput) {
            return "no console output for " + timeoutText + ": the guest has printed nothing since it started "
                    + ago(now, startedAt);
        }
        StringBuilder said = new StringBuilder("no console output for " + timeoutText);
        String line = lastLine;
        if (line != null) {
            said.append("; the last line, ").append(ago(now, lastLineAt)).append(": '").append(line).append('\'');
        }
        String partial = partialLine.get();
        if (!partial.isBlank()) {
            said.append(line == null ? "; the only output, " : "; after it, ").append("unterminated, ")
                    .append(ago(now, lastOutputAt)).append(": '").append(partial).append('\'');
        } else if (line == null) {
            said.append("; the guest printed only empty lines, the last ").append(ago(now, lastOutputAt));
        }
        return said.toString();
    }

    private static String ago(long now, long then) {
        return String.format(Locale.ROOT, "%.1f s ago", (now - then) / 1e9);
    }
}
