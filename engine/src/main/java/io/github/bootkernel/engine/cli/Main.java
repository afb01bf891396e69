package io.github.bootkernel.engine.cli;

import io.github.bootkernel.engine.AgentException;
import io.github.bootkernel.engine.EngineException;
import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.KvmAvailability;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineClosedException;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.MachineException;
import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.report.KernelReport;
import io.github.bootkernel.kernels.FetchException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
        skipJnaLibrarySearch();
        JnaDispatch.useCachedCopy(); // before JNA loads; it leaves no file open
        StandardInput stdin = StandardInput.inspect(); // first, before the tool opens any file
        System.exit(run(args, stdin.stream(System.in), stdin.kind() == StandardInput.Kind.TERMINAL,
                new FileOutputStream(FileDescriptor.out), System.err, true));
    }

    /**
     * JNA's {@code NativeLibrary} builds its library search path when first used, and on Linux runs
     * {@code /sbin/ldconfig -p} for it unless {@code jna.platform.library.path} is set: a process
     * start that cost about a second of a fresh start in the nested VM (issue 12). The tool binds
     * libc alone, as {@code NativeLibrary.getInstance("c")}, which JNA opens as the running process
     * ({@code dlopen(NULL)}) without searching; so an empty platform path loses nothing. A value the
     * user set is kept.
     */
    private static void skipJnaLibrarySearch() {
        if (System.getProperty("jna.platform.library.path") == null) {
            System.setProperty("jna.platform.library.path", "");
        }
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
        MachineConfig config;
        try {
            config = bootConfig(options, stderr);
        } catch (IllegalArgumentException | UncheckedIOException | FetchException e) {
            stderr.println("bootkernel: " + e.getMessage());
            return ExitCodes.VMM_ERROR;
        }
        KernelLogFile kmsg;
        try {
            kmsg = KernelLogFile.open(options);
        } catch (IOException e) {
            stderr.println("bootkernel: cannot write the kernel log: " + e.getMessage());
            return ExitCodes.VMM_ERROR;
        }
        try (kmsg; ConsoleLog log = ConsoleLog.open(options, stdout, stderr)) {
            if (options.exec().isPresent()) {
                return runCommand(options, config, log.out(), kmsg, stdout, stderr, handleSignals, t0);
            }
            RawTerminal raw = terminal ? RawTerminal.enter(stderr) : RawTerminal.none();
            StopRequest stop = new StopRequest(first -> exitAtOnce(first, raw, stderr));
            Signals signals = handleSignals ? Signals.install(stop) : Signals.none();
            try (raw; signals; Machine machine = Machine.start(config, log.out())) {
                printReports(machine, stderr);
                kmsg.follow(machine.kernelLog());
                int status = drive(machine, stdin, raw.isRaw(), stop, log.out(), kmsg, stderr, t0);
                GuestExit exit = machine.exit().orElseThrow();
                boolean normalEnd = stop.requested().isEmpty() && (exit.kind() == GuestExit.Kind.EXIT_STATUS
                        || exit.kind() == GuestExit.Kind.RESET || exit.kind() == GuestExit.Kind.POWEROFF);
                return normalEnd ? failOn(options, machine, status, stderr) : status;
            }
        } catch (EngineException e) {
            stderr.println("bootkernel: " + e.getMessage());
            return ExitCodes.VMM_ERROR;
        } catch (IOException e) {
            stderr.println("bootkernel: cannot write the console log: " + e.getMessage());
            return ExitCodes.VMM_ERROR;
        } catch (RuntimeException e) {
            stderr.println("bootkernel: monitor error: " + e);
            return ExitCodes.VMM_ERROR;
        }
    }

    /**
     * The machine to boot: the options', with the initrd {@link Initrd} chose and the agent for
     * --exec and --kernel-log (whose client then streams the kernel log, as a machine's does by default).
     */
    private static MachineConfig bootConfig(Options options, PrintStream stderr) {
        MachineConfig given = options.config();
        return new MachineConfig(given.kernel(), Initrd.of(options, stderr), given.cmdline(), given.memoryMiB(),
                given.timeout(), given.kvmDevice(), options.agent(), given.silenceTimeout(),
                given.readyLine(), true, given.cpus());
    }

    /**
     * {@code --exec}: boots, runs the command through the agent ({@link CommandRun}), stops the
     * guest and returns the command's status; the summary line only with {@code --verbose} or when
     * the command did not end by itself.
     */
    private static int runCommand(Options options, MachineConfig config, ConsoleOut console, KernelLogFile kmsg,
            OutputStream stdout, PrintStream stderr, boolean handleSignals, long t0) {
        StopRequest stop = new StopRequest(first -> exitAtOnce(first, RawTerminal.none(), stderr));
        Signals signals = handleSignals ? Signals.install(stop) : Signals.none();
        try (signals; Machine machine = Machine.start(config, console)) {
            printReports(machine, stderr);
            kmsg.follow(machine.kernelLog());
            Optional<CommandRun.Outcome> outcome = CommandRun.run(machine::awaitExit, machine.agent(),
                    options.exec().orElseThrow(), config.timeout().orElse(CommandRun.NO_LIMIT), stop, stdout, stderr);
            if (outcome.isPresent() && stop.requested().isEmpty()) {
                settle(kmsg, machine.kernelLog(), stderr);
            }
            GuestExit exit = stopGuest(machine, stderr);
            console.breakLineBefore(stderr);
            // The cause first (status names it), then what it meant for the kernel log.
            int status = outcome.map(o -> CommandRun.status(o, exit, stderr))
                    .orElseGet(() -> stop.requested().orElseThrow().exitStatus());
            kmsg.finish(machine.kernelLog(), outcome.flatMap(CommandRun::agentTrouble), stderr);
            boolean ranToItsEnd = outcome.map(o -> o.result() != null && !o.result().timedOut()).orElse(false);
            if (options.verbose() || !ranToItsEnd) {
                summary(machine, exit, console, stop, stderr, t0);
            }
            return ranToItsEnd && stop.requested().isEmpty() ? failOn(options, machine, status, stderr) : status;
        }
    }

    /** Lets the kernel log catch up with the guest before it is stopped ({@link KernelLogFile#awaitCaughtUp}). */
    private static void settle(KernelLogFile kmsg, KernelLog log, PrintStream stderr) {
        try {
            kmsg.awaitCaughtUp(log, stderr);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Prints each kernel report on stderr as it completes: {@code bootkernel: kernel report: KIND:
     * TITLE}. The machine tells its listeners on a thread of its own, and {@code close()} lets it
     * finish, so every report is printed before the summary line.
     */
    private static void printReports(Machine machine, PrintStream stderr) {
        machine.onKernelReport(report -> stderr.println("bootkernel: kernel report: " + report.summary()));
    }

    /**
     * The status after a normal end: {@link ExitCodes#KERNEL_REPORT} if the kernel printed a report
     * of a {@code --fail-on} kind, which is named on stderr; else {@code status}.
     */
    private static int failOn(Options options, Machine machine, int status, PrintStream stderr) {
        Optional<KernelReport> report = machine.kernelReports().stream()
                .filter(r -> options.failOn().contains(r.kind())).findFirst();
        report.ifPresent(r -> stderr.println("bootkernel: exit status " + ExitCodes.KERNEL_REPORT
                + " for the kernel report '" + r.summary() + "' (--fail-on), instead of " + status));
        return report.isPresent() ? ExitCodes.KERNEL_REPORT : status;
    }

    /**
     * Runs the started guest to its end or to a stop request, prints the summary line and returns
     * the exit status.
     */
    private static int drive(Machine machine, InputStream stdin, boolean raw, StopRequest stop, ConsoleOut sink,
            KernelLogFile kmsg, PrintStream stderr, long t0) {
        Thread pump = new Thread(() -> pumpInput(stdin, raw, machine, stop, stderr), "bootkernel-stdin");
        pump.setDaemon(true);
        pump.start();
        stop.awaitGuestOrStop(machine::awaitExit);
        GuestExit exit = stopGuest(machine, stderr);
        sink.breakLineBefore(stderr);
        kmsg.finish(machine.kernelLog(), brokenChannel(machine, stderr), stderr);
        summary(machine, exit, sink, stop, stderr, t0);
        return stop.requested().map(StopRequest.Reason::exitStatus).orElseGet(() -> ExitCodes.of(exit));
    }

    /**
     * Without {@code --exec} nothing asks the agent anything, so a channel that broke (an agent of
     * another protocol version, a frame the host could not accept) is named here, after the guest
     * ended, before the {@code --kernel-log} line it explains.
     *
     * @return the words for that line, or empty when the channel did not break
     */
    private static Optional<String> brokenChannel(Machine machine, PrintStream stderr) {
        if (!machine.config().agent()) {
            return Optional.empty();
        }
        try {
            machine.agent().awaitConnected(Duration.ZERO);
        } catch (AgentException e) {
            if (e.reason() == AgentException.Reason.CHANNEL_BROKEN) {
                stderr.println("bootkernel: " + e.getMessage());
                return Optional.of(CommandRun.CHANNEL_FAILED);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    /**
     * Stops the guest if it still runs (its end becomes STOPPED) and gives the console's delivery
     * thread a second at most to hand its output what is left.
     *
     * @return how the guest ended
     */
    private static GuestExit stopGuest(Machine machine, PrintStream stderr) {
        try {
            machine.close();
        } catch (MachineException e) {
            stderr.println("bootkernel: " + e.getMessage()); // the summary follows
        }
        return machine.exit().orElseThrow();
    }

    /**
     * The summary line: how the guest ended, seconds, the boot's phases (from the machine's start),
     * VM exits (and port writes KVM recorded without one, see {@link Machine#coalescedWrites()}),
     * console bytes lost, a stop request.
     */
    private static void summary(Machine machine, GuestExit exit, ConsoleOut sink, StopRequest stop, PrintStream stderr,
            long t0) {
        sink.breakLineBefore(stderr);
        String dropped = sink.finish(machine.rawOutputDropped());
        long coalesced = machine.coalescedWrites();
        long exits = machine.exitCount();
        stderr.printf(Locale.ROOT, "bootkernel: guest ended: %s (%.2f s: %s; %d VM exit%s%s%s)%s%n", exit,
                (System.nanoTime() - t0) / 1e9, machine.bootPhases(), exits, exits == 1 ? "" : "s",
                coalesced == 0 ? "" : ", " + coalesced + " coalesced port write" + (coalesced == 1 ? "" : "s"), dropped,
                stop.requested().map(r -> " after " + r).orElse(""));
        if (exit.kind() == GuestExit.Kind.TIMEOUT) {
            KvmAvailability kvm = KvmAvailability.probe(machine.config().kvmDevice());
            if (kvm.status() == KvmAvailability.Status.PVM) {
                stderr.println("bootkernel: note: " + kvm.detail());
            }
        }
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
}
