package io.github.bootkernel.engine;

import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * The kernel's last words: what it printed about how it is ending, read from the console bytes as
 * the vCPU writes them. They never end a guest; they decide how the machine's own end is read
 * ({@link #classify}) and when to look whether the vCPU stopped for good ({@code HaltWatch}).
 *
 * <p>Fed on the vCPU thread, before any console buffering, so every byte the guest wrote before an
 * exit is seen before that exit is classified. Lines end at {@code \n}; only their first
 * {@value #MAX_LINE} characters are kept, so the memory held is bounded whatever the guest writes.
 * Matched as substrings (timestamps allowed):
 * <ul>
 *   <li>{@value #PANIC} (the first; not inside the {@value #PANIC_END} line): a reset or triple
 *       fault after it is a {@link GuestExit.Kind#PANIC}, with this line as detail;</li>
 *   <li>{@value #UNPACK_FAILED} (the first): every clean end after it is
 *       {@link GuestExit.Kind#BOOT_FAILED};</li>
 *   <li>{@value #RESTART} (Linux's {@code kernel_restart()}): a triple fault within
 *       {@link #RESTART_WINDOW_NANOS} of it is the orderly {@link GuestExit.Kind#RESET} of
 *       {@code reboot=t};</li>
 *   <li>{@value #POWER_DOWN} or {@value #HALTED} ({@code kernel_power_off()},
 *       {@code kernel_halt()}): tells the listener to watch for the vCPU halting for good.</li>
 * </ul>
 *
 * <p>What stays in-band: a program that prints these lines changes how a later end is read. The
 * panic and unpack readings only ever turn an end into a failure; the restart reading turns a
 * triple fault into a reset only within {@link #RESTART_WINDOW_NANOS} of the line; the power-down
 * lines only make the monitor look at the vCPU, whose state then decides.
 */
final class KernelEvents implements IntConsumer {

    static final String PANIC = "Kernel panic - not syncing";
    static final String PANIC_END = "---[ end Kernel panic";
    static final String POWER_DOWN = "reboot: Power down";
    static final String HALTED = "reboot: System halted";
    static final String RESTART = "reboot: Restarting system";
    static final String UNPACK_FAILED = "Initramfs unpacking failed";
    /** The longest line prefix kept; the kernel's lines that matter here are far shorter. */
    static final int MAX_LINE = 512;
    /**
     * How soon after {@value #RESTART} a triple fault must come to be read as the reset: Linux
     * faults within milliseconds of the line; 10 s leaves room for a slow nested VM.
     */
    static final long RESTART_WINDOW_NANOS = 10_000_000_000L;

    private final Runnable powerDownSaid;
    private final LongSupplier nanoTime;
    /** The line being assembled; vCPU thread only. */
    private final StringBuilder line = new StringBuilder();
    private volatile String panicLine;
    private volatile String unpackFailedLine;
    private volatile String powerDownLine;
    private volatile long restartAt;
    private volatile boolean restartSaid;

    /**
     * @param powerDownSaid called on the vCPU thread after each {@value #POWER_DOWN} or
     *     {@value #HALTED} line
     */
    KernelEvents(Runnable powerDownSaid) {
        this(powerDownSaid, System::nanoTime);
    }

    KernelEvents(Runnable powerDownSaid, LongSupplier nanoTime) {
        this.powerDownSaid = powerDownSaid;
        this.nanoTime = nanoTime;
    }

    /** @return the first panic line seen, or null */
    String panicLine() {
        return panicLine;
    }

    /** @return the last power-down or halt line seen, from {@code reboot:}, or null */
    String powerDownLine() {
        return powerDownLine;
    }

    /** Takes one console byte, as the guest wrote it. */
    @Override
    public void accept(int b) {
        if (b == '\n') {
            line(line.toString());
            line.setLength(0);
        } else if (b != '\r' && line.length() < MAX_LINE) {
            line.append((char) (b & 0xff));
        }
    }

    private void line(String text) {
        if (text.contains(PANIC) && !text.contains(PANIC_END)) {
            if (panicLine == null) {
                panicLine = from(text, PANIC);
            }
        } else if (text.contains(UNPACK_FAILED)) {
            if (unpackFailedLine == null) {
                unpackFailedLine = from(text, UNPACK_FAILED);
            }
        } else if (text.contains(RESTART)) {
            restartAt = nanoTime.getAsLong();
            restartSaid = true;
        } else if (text.contains(POWER_DOWN) || text.contains(HALTED)) {
            powerDownLine = from(text, "reboot:");
            powerDownSaid.run();
        }
    }

    private static String from(String text, String start) {
        return text.substring(text.indexOf(start));
    }

    /**
     * Reads the machine's end in the light of what the kernel said before it.
     *
     * @param end how the machine ended
     * @return the end as reported: a panic, a reboot or a failed boot where the kernel said so,
     *     else {@code end} unchanged
     */
    GuestExit classify(GuestExit end) {
        GuestExit.Kind kind = end.kind();
        boolean reset = kind == GuestExit.Kind.RESET || kind == GuestExit.Kind.TRIPLE_FAULT;
        if (reset && panicLine != null) {
            return GuestExit.of(GuestExit.Kind.PANIC, panicLine);
        }
        if (kind == GuestExit.Kind.TRIPLE_FAULT && restartSaid
                && nanoTime.getAsLong() - restartAt <= RESTART_WINDOW_NANOS) {
            end = GuestExit.of(GuestExit.Kind.RESET, "triple fault after '" + RESTART
                    + "' (the kernel's reboot=t reset)");
        }
        if (end.isClean() && unpackFailedLine != null) {
            return GuestExit.of(GuestExit.Kind.BOOT_FAILED, unpackFailedLine + "; then " + end);
        }
        return end;
    }
}
