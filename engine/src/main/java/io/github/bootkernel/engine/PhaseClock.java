package io.github.bootkernel.engine;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Records when a machine reaches each {@link BootPhases boot phase}. The vCPU threads report the
 * monitor's readiness, console bytes and lines (a clock read and a volatile write at most, plus,
 * until the ready line came, one match of its pattern per line); any thread reports the end.
 */
final class PhaseClock {

    private static final long NOT_YET = -1;
    private static final String RUN = "Run ";
    private static final String AS_INIT = " as init process";

    private final LongSupplier nanoTime;
    private final long startedAt;
    private final Pattern readyLine;
    private volatile long monitorReady = NOT_YET;
    private volatile long firstConsoleByte = NOT_YET;
    private volatile long runInit = NOT_YET;
    private volatile long ready = NOT_YET;
    private volatile long end = NOT_YET;

    /**
     * @param startedAt when {@link Machine#start(MachineConfig)} was called, on {@code nanoTime}
     * @param readyLine the ready line's pattern, or null for none
     * @param nanoTime the clock
     */
    PhaseClock(long startedAt, Pattern readyLine, LongSupplier nanoTime) {
        this.startedAt = startedAt;
        this.readyLine = readyLine;
        this.nanoTime = nanoTime;
    }

    /** The vCPU is about to enter the kernel for the first time. */
    void monitorReady() {
        monitorReady = since();
    }

    /** A console byte; vCPU thread. */
    void output() {
        if (firstConsoleByte == NOT_YET) {
            firstConsoleByte = since();
        }
    }

    /** A completed console line; vCPU thread. */
    void line(String text) {
        if (runInit == NOT_YET) {
            String message = KernelEvents.message(text);
            int pathEnd = message.length() - AS_INIT.length();
            if (message.startsWith(RUN) && message.endsWith(AS_INIT) && pathEnd > RUN.length()
                    && message.indexOf(' ', RUN.length()) == pathEnd) {
                runInit = since();
            }
        }
        if (readyLine != null && ready == NOT_YET && readyLine.matcher(text).find()) {
            ready = since();
        }
    }

    /** The guest ended; the first call counts. */
    void ended() {
        if (end == NOT_YET) {
            end = since();
        }
    }

    /** @return the phases reached so far */
    BootPhases phases() {
        long monitor = monitorReady;
        return new BootPhases(Duration.ofNanos(monitor == NOT_YET ? 0 : monitor), at(firstConsoleByte), at(runInit),
                at(ready), at(end));
    }

    private long since() {
        return Math.max(0, nanoTime.getAsLong() - startedAt);
    }

    private static Optional<Duration> at(long nanos) {
        return nanos == NOT_YET ? Optional.empty() : Optional.of(Duration.ofNanos(nanos));
    }
}
