package io.github.bootkernel.bench.sections;

import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The busybox shell on a guest's console ({@code setsid cttyhack sh} of the cached image), driven
 * by command lines whose answer cannot be the shell's echo of them: the command computes the
 * number it prints ({@code echo m$((N+1))}), so only the shell's output is the line {@code mN+1}.
 * Every wait is bounded; a missing answer is an {@link IOException} with the console's last lines.
 */
final class Shell {

    private static final Pattern READY = Pattern.compile(Pattern.quote(BusyboxInitramfs.READY_LINE));
    /** How often the prompt is looked for: it is a partial line, which no line wait sees. */
    private static final long PROMPT_POLL_MILLIS = 2;

    private Shell() {
    }

    /**
     * Waits for the ready line, then for the shell's prompt ({@code "/ # "}) in the partial line
     * (busybox's line editing follows it with {@code ESC [6n}, a cursor position query).
     */
    static void awaitPrompt(Machine machine, String what, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (machine.console().awaitLine(READY, timeout).isEmpty()) {
            throw failed(machine, what, "no '" + BusyboxInitramfs.READY_LINE + "' line");
        }
        while (!machine.console().partialLine().contains("# ")) {
            if (System.nanoTime() > deadline || machine.exit().isPresent()) {
                throw failed(machine, what, "no shell prompt after the ready line");
            }
            Thread.sleep(PROMPT_POLL_MILLIS);
        }
    }

    /** Sends {@code echo m$((N+1))} and waits for its answer {@code mN+1}. */
    static void answer(Machine machine, String what, Duration timeout) throws IOException, InterruptedException {
        int n = ThreadLocalRandom.current().nextInt(1000, 1_000_000);
        long from = machine.console().lineCount();
        machine.sendInput("echo m$((" + n + "+1))\n");
        await(machine, from, "m" + (n + 1), what, timeout);
    }

    /** Writes {@code kib} KiB into {@code /tmp/w} and waits for the shell's answer after it. */
    static void write(Machine machine, int kib, String what, Duration timeout) throws IOException, InterruptedException {
        awaitWritten(machine, sendWrite(machine, kib), what, timeout);
    }

    /**
     * Sends a command line that writes {@code kib} KiB of zeros into {@code /tmp/w} (the initramfs's
     * rootfs: the guest's page cache, so new guest pages) and then prints {@code wdone}.
     *
     * @return the console's line count before the command, for {@link #awaitWritten}
     */
    static long sendWrite(Machine machine, int kib) {
        long from = machine.console().lineCount();
        machine.sendInput("dd if=/dev/zero of=/tmp/w bs=1k count=" + kib + " 2>/dev/null; echo w$((1+1))done\n");
        return from;
    }

    /** Waits for the answer of {@link #sendWrite}, {@code w2done}. */
    static void awaitWritten(Machine machine, long from, String what, Duration timeout)
            throws IOException, InterruptedException {
        await(machine, from, "w2done", what, timeout);
    }

    private static void await(Machine machine, long from, String line, String what, Duration timeout)
            throws IOException, InterruptedException {
        if (machine.console().awaitLine(Pattern.compile("^" + Pattern.quote(line) + "$"), timeout, from).isEmpty()) {
            throw failed(machine, what, "no answer '" + line + "'");
        }
    }

    private static IOException failed(Machine machine, String what, String why) {
        return new IOException(what + ": " + why + " (" + machine.exit().map(Object::toString).orElse("still running")
                + "); console's last lines:\n    " + String.join("\n    ", machine.console().tail(20))
                + "\n    " + machine.console().partialLine());
    }
}
