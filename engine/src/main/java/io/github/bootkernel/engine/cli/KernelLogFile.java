package io.github.bootkernel.engine.cli;

import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.kmsg.KernelLogGap;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code --kernel-log FILE}: writes the guest's kernel log to a file as its records arrive, on a
 * thread of its own ({@code bootkernel-kernel-log}), so the file can be followed with
 * {@code tail -f} while the guest runs. Each record as {@code dmesg -r} prints it
 * ({@link KernelRecord#dmesgLines()}: {@code <4>[    1.234567] message}, a multi-line record as
 * several lines); each gap in the sequence numbers, counted from 0 at boot as the machine's log
 * counts them (the kernel's {@code Documentation/ABI/testing/dev-kmsg}), as a line
 * {@code --- N records lost (sequence A to B): the kernel's ring overwrote them ---} in its place.
 *
 * <p>With {@code --exec}, the guest is stopped once the command ends, and records still on their way
 * (those the command made the kernel log, and, on a slow channel, the rest of the boot's) would be
 * lost with it: the tool first waits, {@link #awaitCaughtUp}, until the log has caught up with
 * the guest ({@link KernelLog#awaitCaughtUp}: the agent has read its ring to the end and every
 * record it held has arrived), at most {@value #SETTLE_SECONDS} s. That is an answer from the
 * agent, not a guess from a pause: on a slow channel (about 5 KB/s, a 4 KiB RECORDS frame in 0.8 s,
 * under nested emulation) it comes after the backlog; on hardware KVM within milliseconds.
 *
 * <p>Without the option everything here does nothing. A write that fails stops the writing; the
 * tool names the failure on stderr at the end and goes on.
 */
final class KernelLogFile implements AutoCloseable {

    /** The longest {@link #awaitCaughtUp} waits, in seconds. */
    static final long SETTLE_SECONDS = 30;
    /** How long the writer may take, after the guest ended, to write what is left. */
    private static final Duration FINISH = Duration.ofSeconds(10);
    /** The longest the writer waits for a record: longer than any guest runs. */
    private static final Duration FOREVER = Duration.ofDays(3650);

    private final Path path;
    private final Writer out;
    private Thread thread;
    // Written by the writer thread; read after it ended.
    private volatile IOException failure;
    private volatile long written;

    private KernelLogFile(Path path, Writer out) {
        this.path = path;
        this.out = out;
    }

    /**
     * Creates (or truncates) the {@code --kernel-log} file, if the option was given.
     *
     * @param options the command line
     * @return the file, or one that does nothing
     * @throws IOException if the file cannot be created
     */
    static KernelLogFile open(Options options) throws IOException {
        if (options.kernelLog().isEmpty()) {
            return new KernelLogFile(null, null);
        }
        Path path = options.kernelLog().get();
        return new KernelLogFile(path, new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(path),
                StandardCharsets.UTF_8)));
    }

    /**
     * Starts writing {@code log}'s records as they arrive, from its first; returns at once.
     *
     * @param log the machine's kernel log; the writer ends when the log does
     */
    void follow(KernelLog log) {
        if (out == null) {
            return;
        }
        thread = new Thread(() -> write(log), "bootkernel-kernel-log");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Waits until {@code log} has caught up with the guest ({@link KernelLog#awaitCaughtUp}), at
     * most {@value #SETTLE_SECONDS} s; says so on stderr when it did not and the log still streams
     * (the limit passed, or the agent restarted or its channel ended). Silent when the log ended
     * (every record is in) or never streamed ({@link #finish} names that).
     *
     * @param log the machine's kernel log
     * @param stderr where the tool's messages go
     * @throws InterruptedException if the thread is interrupted
     */
    void awaitCaughtUp(KernelLog log, PrintStream stderr) throws InterruptedException {
        awaitCaughtUp(log, Duration.ofSeconds(SETTLE_SECONDS), stderr);
    }

    /** {@link #awaitCaughtUp(KernelLog, PrintStream)} with another limit: for tests. */
    void awaitCaughtUp(KernelLog log, Duration limit, PrintStream stderr) throws InterruptedException {
        if (thread == null) {
            return;
        }
        long start = System.nanoTime();
        if (log.awaitCaughtUp(limit) || log.isEnded() || !log.isAvailable()) {
            return;
        }
        boolean timedOut = System.nanoTime() - start >= limit.toNanos();
        stderr.println("bootkernel: --kernel-log: " + (timedOut
                ? "the kernel log had not caught up with the guest " + (limit.toMillis() % 1000 == 0
                        ? limit.toSeconds() + " s" : limit.toMillis() + " ms") + " after the command ended"
                : "cannot tell whether the kernel log caught up with the guest (the agent restarted or its channel"
                        + " ended)") + "; " + path + " ends where the guest was stopped");
    }

    /**
     * {@link #finish(KernelLog, Optional, PrintStream)} when no cause of the agent's trouble was named.
     *
     * @param log the machine's kernel log, which has ended
     * @param stderr where the tool's messages go
     */
    void finish(KernelLog log, PrintStream stderr) {
        finish(log, Optional.empty(), stderr);
    }

    /**
     * Waits (at most 10 s) until the writer has written the ended log to its end, and names on
     * stderr what went wrong: a failed write, or no record at all, saying why: the agent's reason
     * ({@link KernelLog#unavailableReason()}, for example it could not open {@code /dev/kmsg}), else
     * {@code agentTrouble}, else a guess (no agent connected). Called after the tool named the cause
     * of the agent's trouble, so that this line follows it.
     *
     * @param log the machine's kernel log, which has ended
     * @param agentTrouble why the agent's channel failed, in a few words, when the tool said so on
     *     stderr already ({@code "the guest agent's channel failed (see above)"})
     * @param stderr where the tool's messages go
     */
    void finish(KernelLog log, Optional<String> agentTrouble, PrintStream stderr) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(FINISH.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            stderr.println("bootkernel: --kernel-log: " + path + " is not complete: the writer did not finish within "
                    + FINISH.toSeconds() + " s of the guest's end");
        } else if (failure != null) {
            stderr.println("bootkernel: --kernel-log: cannot write " + path + ": " + failure.getMessage());
        } else if (written == 0) {
            String why = log.unavailableReason().map(r -> "the guest agent could not stream the kernel log: " + r)
                    .or(() -> agentTrouble).orElse("no guest agent streamed the kernel log (does the initrd's /init"
                            + " start bootkernel-agent on ttyS1?)");
            stderr.println("bootkernel: --kernel-log: " + path + " holds no record: " + why);
        }
    }

    /** Closes the file; a failure to is ignored (what was written was flushed record by record). */
    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // finish() named any failed write; the last flush came after the last record
            }
        }
    }

    private void write(KernelLog log) {
        long[] expected = {0};
        try {
            // The condition sees each record once, in order, as it arrives; it never matches, so the
            // wait ends with the log.
            log.awaitRecord(record -> {
                try {
                    if (record.sequence() > expected[0]) {
                        out.write("--- " + new KernelLogGap(expected[0], record.sequence())
                                + ": the kernel's ring overwrote them ---\n");
                    }
                    for (String line : record.dmesgLines()) {
                        out.write(line);
                        out.write('\n');
                    }
                    out.flush();
                    expected[0] = Math.max(expected[0], record.sequence() + 1);
                    written++;
                    return false;
                } catch (IOException e) {
                    failure = e;
                    return true;
                }
            }, FOREVER);
            if (failure == null) {
                out.flush();
            }
        } catch (InterruptedException e) {
            // the tool is ending
        } catch (IOException e) {
            failure = e;
        }
    }
}
