package io.github.bootkernel.engine;

import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * The kernel's last words: what it printed about how it is ending, read from the console bytes as
 * the vCPU writes them. They decide how the machine's own end is read ({@link #classify}), when to
 * look whether the vCPU stopped for good ({@code HaltWatch}), and when the bounded wait after a
 * panic starts ({@link PanicGrace}, the only way a console line ends a guest).
 *
 * <p>Fed on the vCPU thread that wrote each byte, one byte at a time (the machine serializes the
 * vCPUs' console bytes), before any console buffering, so every byte the guest wrote before an
 * exit is seen before that exit is classified. Lines end at {@code \n}; only their first
 * {@value #MAX_LINE} characters are kept, so the memory held is bounded whatever the guest writes.
 * Matched as substrings (timestamps allowed):
 * <ul>
 *   <li>{@value #PANIC} (the first; not inside the {@value #PANIC_END} line): a reset or triple
 *       fault after it is a {@link GuestExit.Kind#PANIC}, with this line as detail, and so is a
 *       {@link GuestExit.Kind#SILENT} end (the kernel said why it went quiet);</li>
 *   <li>{@value #PANIC} at the start of a message (after printk's prefixes, {@link #message}), and
 *       then {@value #PANIC_END} likewise: told to the {@link PanicListener} ({@link PanicGrace},
 *       the one reading that ends a guest);</li>
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
 * panic and unpack readings only ever turn an end into a failure (the panic grace ends a running
 * guest as a panic); the restart reading turns a
 * triple fault into a reset only within {@link #RESTART_WINDOW_NANOS} of the line; the power-down
 * lines only make the monitor look at the vCPU, whose state then decides.
 */
final class KernelEvents implements IntConsumer {

    /** Told of the kernel's panic line and of the end of its report ({@link PanicGrace}). */
    interface PanicListener {
        /**
         * The kernel's panic line: {@value #PANIC} at the start of a message, the first time.
         *
         * @param line the line from {@value #PANIC} on
         */
        void panicSaid(String line);

        /** The kernel's {@value #PANIC_END} line, at the start of a message, after its panic line. */
        void reportEnded();
    }

    /** A listener that does nothing. */
    static final PanicListener NO_PANIC_LISTENER = new PanicListener() {
        @Override
        public void panicSaid(String line) {
        }

        @Override
        public void reportEnded() {
        }
    };

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
    private final PanicListener panic;
    private final LongSupplier nanoTime;
    /** The line being assembled; vCPU thread only. */
    private final StringBuilder line = new StringBuilder();
    private volatile String panicLine;
    /** Whether the kernel's own panic line (at the start of a message) came; vCPU thread only. */
    private boolean panicSaid;
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
        this(powerDownSaid, NO_PANIC_LISTENER, nanoTime);
    }

    /**
     * @param powerDownSaid called on the vCPU thread after each {@value #POWER_DOWN} or
     *     {@value #HALTED} line
     * @param panic told on the vCPU thread of the panic line and the end of its report
     * @param nanoTime the clock
     */
    KernelEvents(Runnable powerDownSaid, PanicListener panic, LongSupplier nanoTime) {
        this.powerDownSaid = powerDownSaid;
        this.panic = panic;
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
        String message = message(text);
        if (message.startsWith(PANIC_END) && panicSaid) {
            panic.reportEnded();
        }
        if (text.contains(PANIC) && !text.contains(PANIC_END)) {
            if (panicLine == null) {
                panicLine = from(text, PANIC);
            }
            if (!panicSaid && message.startsWith(PANIC)) {
                panicSaid = true;
                panic.panicSaid(message);
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

    /**
     * A console line without the prefixes printk puts before the kernel's message: the log level
     * ({@code <0>}, digits only, so a call trace's {@code <TASK>} stays), the timestamp ({@code [    1.234567]}) and the caller ({@code [    T1]},
     * {@code CONFIG_PRINTK_CALLER}), with the blanks around them.
     *
     * @param line a console line
     * @return the message
     */
    static String message(String line) {
        int i = 0;
        while (true) {
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            char open = i < line.length() ? line.charAt(i) : 0;
            char close = open == '[' ? ']' : open == '<' ? '>' : 0;
            int end = close == 0 ? -1 : line.indexOf(close, i + 1);
            if (end < 0 || end - i > 20 || open == '<' && !isNumber(line, i + 1, end)) {
                return line.substring(i);
            }
            i = end + 1;
        }
    }

    private static boolean isNumber(String text, int from, int to) {
        return from < to && text.substring(from, to).chars().allMatch(Character::isDigit);
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
        if (kind == GuestExit.Kind.SILENT && panicLine != null) {
            return GuestExit.of(GuestExit.Kind.PANIC, panicLine + "; then " + end);
        }
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
