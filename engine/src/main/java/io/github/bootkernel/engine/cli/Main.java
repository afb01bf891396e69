package io.github.bootkernel.engine.cli;

import io.github.bootkernel.engine.EngineException;
import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.KvmAvailability;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineClosedException;
import io.github.bootkernel.engine.MachineException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The command-line tool: boots a kernel, streams its console to stdout and stdin to its serial
 * input, and exits with the guest's status (see {@link ExitCodes} and {@code --help}).
 *
 * <p>As a process it keeps to these rules: a stdin that was closed when it started is not read
 * ({@link StandardInput}); SIGINT and SIGTERM stop the guest, print the summary line and exit with
 * 130 or 143, and a second one while the guest is stopping exits at once ({@link StopRequest},
 * {@link Signals}); a terminal on stdin is put in raw mode, so that every key reaches the guest once,
 * with Ctrl-A x to leave, and is restored on every way out ({@link RawTerminal}, {@link EscapeKeys}).
 */
public final class Main {

    private static final int CTRL_C = 0x03;

    private Main() {
    }

    /**
     * Entry point.
     *
     * @param args the options, see {@code --help}
     */
    public static void main(String[] args) {
        StandardInput stdin = StandardInput.inspect(); // first, before the tool opens any file
        System.exit(run(args, stdin.stream(System.in), stdin.kind() == StandardInput.Kind.TERMINAL,
                new FileOutputStream(FileDescriptor.out), System.err, true));
    }

    /**
     * Runs the tool in this process: stdin is forwarded as it is (no raw mode) and signals keep the
     * JVM's handling.
     *
     * @param args the options
     * @param stdin bytes for the guest's serial input
     * @param stdout receives the console, byte by byte
     * @param stderr receives the tool's own messages
     * @return the exit status
     */
    public static int run(String[] args, InputStream stdin, OutputStream stdout, PrintStream stderr) {
        return run(args, stdin, false, stdout, stderr, false);
    }

    /**
     * Runs the tool.
     *
     * @param terminal whether stdin is a terminal, to put in raw mode with {@link EscapeKeys}
     * @param handleSignals whether SIGINT and SIGTERM stop the guest ({@link Signals})
     */
    static int run(String[] args, InputStream stdin, boolean terminal, OutputStream stdout, PrintStream stderr,
            boolean handleSignals) {
        Options options;
        try {
            options = Options.parse(Arrays.asList(args));
        } catch (Options.UsageException e) {
            stderr.println("bootkernel: " + e.getMessage() + " (bootkernel --help shows the usage)");
            return ExitCodes.USAGE;
        } catch (IllegalArgumentException e) {
            stderr.println("bootkernel: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (options.help()) {
            // On stdout, where --help | less looks; no guest runs, so it is not the console's.
            PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
            out.println(Options.USAGE);
            out.flush();
            return ExitCodes.CLEAN;
        }
        long t0 = System.nanoTime();
        StdoutSink sink = new StdoutSink(stdout);
        RawTerminal raw = terminal ? RawTerminal.enter(stderr) : RawTerminal.none();
        StopRequest stop = new StopRequest(first -> exitAtOnce(first, raw, stderr));
        Signals signals = handleSignals ? Signals.install(stop) : Signals.none();
        try (raw; signals; Machine machine = Machine.start(options.config(), sink)) {
            return drive(machine, stdin, raw.isRaw(), stop, sink, stderr, t0);
        } catch (EngineException e) {
            stderr.println("bootkernel: " + e.getMessage());
            return ExitCodes.VMM_ERROR;
        } catch (RuntimeException e) {
            stderr.println("bootkernel: monitor error: " + e);
            return ExitCodes.VMM_ERROR;
        }
    }

    /**
     * Runs the started guest to its end or to a stop request, prints the summary line and returns
     * the exit status.
     */
    private static int drive(Machine machine, InputStream stdin, boolean raw, StopRequest stop, StdoutSink sink,
            PrintStream stderr, long t0) {
        Thread pump = new Thread(() -> pumpInput(stdin, raw, machine, stop, stderr), "bootkernel-stdin");
        pump.setDaemon(true);
        pump.start();
        stop.awaitGuestOrStop(machine::awaitExit);
        // Stops the guest if a stop was requested (its end becomes STOPPED) and gives the console's
        // delivery thread a second at most to hand stdout what is left.
        try {
            machine.close();
        } catch (MachineException e) {
            stderr.println("bootkernel: " + e.getMessage()); // the summary follows
        }
        GuestExit exit = machine.exit().orElseThrow();
        String dropped = sink.finish(machine.rawOutputDropped());
        Optional<StopRequest.Reason> stopped = stop.requested();
        stderr.printf(Locale.ROOT, "bootkernel: guest ended: %s (%.2f s, %d VM exits%s)%s%n", exit,
                (System.nanoTime() - t0) / 1e9, machine.exitCount(), dropped,
                stopped.map(r -> " after " + r).orElse(""));
        if (exit.kind() == GuestExit.Kind.TIMEOUT) {
            KvmAvailability kvm = KvmAvailability.probe(machine.config().kvmDevice());
            if (kvm.status() == KvmAvailability.Status.PVM) {
                stderr.println("bootkernel: note: " + kvm.detail());
            }
        }
        return stopped.map(StopRequest.Reason::exitStatus).orElseGet(() -> ExitCodes.of(exit));
    }

    /** A second stop request while the first is under way: restore the terminal and leave now. */
    private static void exitAtOnce(StopRequest.Reason first, RawTerminal raw, PrintStream stderr) {
        raw.close();
        stderr.println("bootkernel: asked again to stop: exiting without waiting for the guest");
        stderr.flush();
        Runtime.getRuntime().halt(first.exitStatus());
    }

    private static void pumpInput(InputStream in, boolean raw, Machine machine, StopRequest stop, PrintStream stderr) {
        EscapeKeys keys = new EscapeKeys();
        byte[] buf = new byte[4096];
        byte[] keep = new byte[buf.length];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                int len = raw ? escape(buf, n, keep, keys, stop, stderr) : n;
                send(machine, raw ? keep : buf, len);
            }
        } catch (IOException | InterruptedException | MachineClosedException e) {
            // stdin closed or the tool is ending: stop forwarding input
        }
    }

    /**
     * Applies the escape keys to {@code n} typed bytes, copying those for the guest into
     * {@code keep}. Once a stop was requested nothing more is sent, and Ctrl-C or Ctrl-A x asks again.
     *
     * @return how many bytes of {@code keep} to send
     */
    private static int escape(byte[] typed, int n, byte[] keep, EscapeKeys keys, StopRequest stop,
            PrintStream stderr) {
        int len = 0;
        for (int i = 0; i < n; i++) {
            int key = typed[i] & 0xFF;
            EscapeKeys.Action action = keys.accept(key);
            if (stop.requested().isPresent()) {
                if (key == CTRL_C || action == EscapeKeys.Action.QUIT) {
                    stop.request(StopRequest.Reason.ESCAPE);
                }
                continue;
            }
            switch (action) {
                case SEND -> keep[len++] = (byte) key;
                case QUIT -> stop.request(StopRequest.Reason.ESCAPE);
                case HELP -> stderr.println(EscapeKeys.HELP);
                case NONE -> { }
            }
        }
        return len;
    }

    private static void send(Machine machine, byte[] data, int n) throws InterruptedException {
        int sent = 0;
        while (sent < n && machine.exit().isEmpty()) {
            int accepted = machine.sendInput(Arrays.copyOfRange(data, sent, n));
            sent += accepted;
            if (accepted == 0) {
                Thread.sleep(5); // the guest has not drained its input queue yet
            }
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
                // the byte whose accept() is stuck in this write is in undelivered already
                lost += Math.max(0, writing - 1);
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
