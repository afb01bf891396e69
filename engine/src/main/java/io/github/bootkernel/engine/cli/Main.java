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
            sink.flush();
            stderr.printf(Locale.ROOT, "bootkernel: guest ended: %s (%.2f s, %d VM exits)%n", exit,
                    (System.nanoTime() - t0) / 1e9, machine.exitCount());
            return ExitCodes.of(exit);
        } catch (EngineException e) {
            stderr.println("bootkernel: " + e.getMessage());
            return ExitCodes.VMM_ERROR;
        } catch (RuntimeException e) {
            stderr.println("bootkernel: monitor error: " + e);
            return ExitCodes.VMM_ERROR;
        }
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

    /** Writes console bytes straight to stdout, flushing at line ends and prompts. */
    private static final class StdoutSink implements java.util.function.IntConsumer {
        private final OutputStream out;
        private final byte[] buf = new byte[8192];
        private int len;

        StdoutSink(OutputStream out) {
            this.out = out;
        }

        @Override
        public synchronized void accept(int b) {
            buf[len++] = (byte) b;
            if (b == '\n' || b == ' ' || len == buf.length) {
                flush();
            }
        }

        synchronized void flush() {
            try {
                out.write(buf, 0, len);
                out.flush();
            } catch (IOException e) {
                // stdout gone: keep running the guest, drop its output
            }
            len = 0;
        }
    }
}
