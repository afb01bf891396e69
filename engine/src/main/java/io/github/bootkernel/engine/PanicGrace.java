package io.github.bootkernel.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The verdict after the kernel's panic line: the guest gets a short, bounded moment to print the
 * rest of the report and end by itself, then it ends as {@link GuestExit.Kind#PANIC}.
 *
 * <p>Linux's {@code panic()} ({@code kernel/panic.c}) prints {@code Kernel panic - not syncing:},
 * the call trace, flushes the consoles, and then either resets ({@code panic=-1}, this monitor's
 * default command line, or {@code panic=N} after N seconds) or, with {@code panic=0}, prints
 * {@code ---[ end Kernel panic - not syncing: ... ]---} and spins with interrupts on, which the
 * machine cannot tell from work. So:
 * <ul>
 *   <li>a reset within the grace is read as the panic, as before ({@link KernelEvents#classify});</li>
 *   <li>the end-of-panic line ends the guest at once: the report is complete and the kernel will
 *       do nothing more ({@code panic=0});</li>
 *   <li>otherwise the guest ends {@value #GRACE_MILLIS} ms after the panic line (a {@code panic=N}
 *       wait, a kernel stuck in its panic path).</li>
 * </ul>
 * The guest's own end, its time limit or {@code close()} may come first; the first end wins.
 *
 * <p>In-band: these are console lines, so a program that prints the panic line at the start of a
 * line ends its guest as a panic after the grace unless it ends before. That only ever turns a
 * running guest into a failed one.
 */
final class PanicGrace implements KernelEvents.PanicListener {

    /** How long the guest may take after the panic line: far more than a call trace takes. */
    static final long GRACE_MILLIS = 5_000;

    private final Consumer<GuestExit> end;
    private final long graceMillis;
    private volatile String panicLine;

    /** @param end ends the guest (the machine's first end wins) */
    PanicGrace(Consumer<GuestExit> end) {
        this(end, GRACE_MILLIS);
    }

    PanicGrace(Consumer<GuestExit> end, long graceMillis) {
        this.end = end;
        this.graceMillis = graceMillis;
    }

    @Override
    public void panicSaid(String line) {
        if (panicLine != null) {
            return;
        }
        panicLine = line;
        CompletableFuture.delayedExecutor(graceMillis, TimeUnit.MILLISECONDS, Runnable::run).execute(() ->
                end.accept(GuestExit.of(GuestExit.Kind.PANIC, line + "; no reset within " + graceMillis / 1000.0
                        + " s after it")));
    }

    @Override
    public void reportEnded() {
        String line = panicLine;
        if (line != null) {
            end.accept(GuestExit.of(GuestExit.Kind.PANIC, line + "; then '" + KernelEvents.PANIC_END
                    + "': the kernel stops there without a reset (panic=0)"));
        }
    }
}
