package io.github.bootkernel.engine.cli;

import io.github.bootkernel.engine.EngineException;
import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * The command-line tool: boots a kernel, streams its console to stdout and stdin to its serial
 * input, and exits with the guest's status (see {@link ExitCodes} and {@code --help}).
 */
public final class Main {

    private Main() {
    }

    /**
     * Entry point.
     *
     * @param args the options, see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.in, new FileOutputStream(FileDescriptor.out), System.err));
    }

    /**
     * Runs the tool.
     *
     * @param args the options
     * @param stdin bytes for the guest's serial input
     * @param stdout receives the console, byte by byte
     * @param stderr receives the tool's own messages
     * @return the exit status
     */
    public static int run(String[] args, InputStream stdin, OutputStream stdout, PrintStream stderr) {
        Options options;
        try {
            options = Options.parse(Arrays.asList(args));
        } catch (Options.UsageException e) {
            stderr.println("bootkernel: " + e.getMessage());
            stderr.println(Options.USAGE);
            return ExitCodes.USAGE;
        } catch (IllegalArgumentException e) {
            stderr.println("bootkernel: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (options.help()) {
            stderr.println(Options.USAGE);
            return ExitCodes.CLEAN;
        }
        long t0 = System.nanoTime();
        StdoutSink sink = new StdoutSink(stdout);
        try (Machine machine = Machine.start(options.config(), sink)) {
            Thread pump = new Thread(() -> pumpInput(stdin, machine), "bootkernel-stdin");
            pump.setDaemon(true);
            pump.start();
            GuestExit exit = awaitForever(machine);
            String dropped = finishOutput(machine, sink);
            stderr.printf(Locale.ROOT, "bootkernel: guest ended: %s (%.2f s, %d VM exits%s)%n", exit,
                    (System.nanoTime() - t0) / 1e9, machine.exitCount(), dropped);
            return ExitCodes.of(exit);
        } catch (EngineException e) {
            stderr.println("bootkernel: " + e.getMessage());
            return ExitCodes.VMM_ERROR;
        } catch (RuntimeException e) {
            stderr.println("bootkernel: monitor error: " + e);
            return ExitCodes.VMM_ERROR;
        }
    }

    /**
     * Closes the machine, which gives its console's delivery thread a second at most to hand
     * stdout what is left, and says what stdout lost, for the summary line.
     */
    private static String finishOutput(Machine machine, StdoutSink sink) {
        machine.close();
        return sink.finish(machine.rawOutputDropped());
    }

    private static GuestExit awaitForever(Machine machine) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    var exit = machine.awaitExit(java.time.Duration.ofDays(1));
                    if (exit.isPresent()) {
                        return exit.get();
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void pumpInput(InputStream in, Machine machine) {
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                int sent = 0;
                while (sent < n && machine.exit().isEmpty()) {
                    int accepted = machine.sendInput(Arrays.copyOfRange(buf, sent, n));
                    sent += accepted;
                    if (accepted == 0) {
                        Thread.sleep(5); // the guest has not drained its input queue yet
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // stdin closed or the tool is ending: stop forwarding input
        }
    }

    /**
     * Writes console bytes to stdout, flushing at line ends and prompts. It runs on the console's
     * delivery thread, so a stdout that blocks (a pipe nobody reads) stalls only that thread: the
     * guest, its time limit and the end of the tool go on, and the bytes it could not write are
     * counted.
     */
    private static final class StdoutSink implements java.util.function.IntConsumer {
        private final OutputStream out;
        /** Held while writing; the main thread only tries it, so a blocked write never blocks it. */
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        private final byte[] buf = new byte[8192];
        private int len;
        /** Bytes of the write in progress, for {@link #finish} while a write is blocked. */
        private volatile int writing;
        private long failed;
        private IOException failure;

        StdoutSink(OutputStream out) {
            this.out = out;
        }

        @Override
        public void accept(int b) {
            lock.lock();
            try {
                buf[len++] = (byte) b;
                if (b == '\n' || b == ' ' || len == buf.length) {
                    flush();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Writes the buffer; the lock is held. */
        private void flush() {
            if (len == 0) {
                return;
            }
            writing = len;
            try {
                out.write(buf, 0, len);
                out.flush();
            } catch (IOException e) {
                // stdout gone: keep running the guest, count its output as dropped
                failed += len;
                failure = e;
            }
            writing = 0;
            len = 0;
        }

        /**
         * Writes what is left unless a write is still blocked (the console's delivery thread was
         * abandoned in it), and says what was lost.
         *
         * @param undelivered console bytes the machine did not hand to this sink
         * @return {@code ""}, or {@code ", N console bytes dropped: stdout blocked"} (or
         *     {@code "...: stdout failed: <error>"}) for the summary line
         */
        String finish(long undelivered) {
            long lost = undelivered;
            boolean blocked = !lock.tryLock();
            if (blocked) {
                lost += writing;
            } else {
                try {
                    flush();
                    lost += failed;
                } finally {
                    lock.unlock();
                }
            }
            if (lost == 0) {
                return "";
            }
            String why = failure != null && !blocked ? "stdout failed: " + failure.getMessage() : "stdout blocked";
            return ", " + lost + " console bytes dropped: " + why;
        }
    }
}
