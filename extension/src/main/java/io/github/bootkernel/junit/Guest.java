package io.github.bootkernel.junit;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecListener;
import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.engine.agent.Execution;
import io.github.bootkernel.engine.agent.GuestAgent;
import io.github.bootkernel.engine.console.Console;
import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.report.KernelReport;
import io.github.bootkernel.kernels.initramfs.HostPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.opentest4j.AssertionFailedError;

/**
 * A booted kernel handed to a test by {@link BootKernel @BootKernel}: a thin view of the engine's
 * {@link Machine} with the operations a test needs.
 *
 * <pre>{@code
 * @Test
 * void echoesInput(@BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready") Guest guest)
 *         throws InterruptedException {
 *     guest.sendLine("hello");
 *     assertThat(guest.console()).emitsWithin(Duration.ofSeconds(5), "^hello$");
 *     guest.send("\u0004");
 *     assertThat(guest.awaitExit(Duration.ofSeconds(5)).status()).isZero();
 * }
 * }</pre>
 *
 * <h2>Commands and files</h2>
 * A guest whose image starts the guest agent ({@code @BootKernel(initramfs = "busybox")}) runs
 * programs with their exit status and their standard output and error apart from each other and
 * from the console, and copies files in and out, over its second serial port:
 *
 * <pre>{@code
 * ExecResult uname = guest.exec("uname", "-r");          // argv, no shell
 * assertThat(uname).succeeds().stdout().startsWith("6.");
 * assertThat(guest.sh("ls /nope")).exitedWith(1).stderr().contains("No such file");
 * guest.copyToGuest(Path.of("target/mytool"), "/usr/bin/mytool");
 * }</pre>
 *
 * <p>Every request has a time limit: its own ({@link Exec#timeout(Duration)}), else the guest's
 * {@link #execTimeout()} ({@link BootKernel#execTimeout()}, {@code bootkernel.execTimeout}, 60 s).
 * The first request waits for the agent to connect after boot, within that limit. Requests may
 * come from several threads at once. A request that cannot be served throws the engine's
 * {@link io.github.bootkernel.engine.AgentException} at once: on a guest without the agent,
 * naming the annotation that gives it one; after the guest ended or the channel broke, with the
 * console tail.
 *
 * <p>The console stays readable after the guest ended, also after it was closed, so assertions
 * may run after the end; it keeps a bounded history (see {@code Console.maxHistoryBytes()}), the
 * newest lines when a guest floods it. A guest belongs to the test (or class) it was injected into; JUnit closes it when that
 * scope ends. Thread-safe: every guest has its own machine and console, and guests share nothing.
 */
public final class Guest implements AutoCloseable {

    /**
     * The largest file {@link #copyToGuest(Path, String)} sends and {@link #copyFromGuest(String, Path)}
     * accepts: 64 MiB, as much output as an {@link ExecResult} keeps per stream. The serial channel
     * moves roughly a megabyte in seconds (one VM exit per byte), and the guest's files live in its
     * RAM.
     */
    public static final long MAX_COPY_BYTES = 64L << 20;

    private final Machine machine;
    private final String kernelName;
    private final String declaration;
    private final AgentCalls agent;
    private final ReportPolicy reportPolicy;
    private final GuestKernelLog kernelLog;
    /** For a clone, its template; null for a guest that booted. */
    private final TemplateBoot template;

    /**
     * A guest of a declaration.
     *
     * @param template for a clone ({@link BootKernel#fromSnapshot()}), the template it was restored
     *     from; null for a guest that booted
     */
    Guest(Machine machine, String kernelName, String declaration, Duration execTimeout, ReportPolicy reportPolicy,
          TemplateBoot template) {
        this(machine, machine.agent(), kernelName, declaration, execTimeout, reportPolicy, template);
    }

    /** A guest whose requests go to {@code agent} instead of its machine's (tests use a fake). */
    Guest(Machine machine, GuestAgent agent, String kernelName, String declaration, Duration execTimeout) {
        this(machine, agent, kernelName, declaration, execTimeout, ReportPolicy.none(), null);
    }

    private Guest(Machine machine, GuestAgent agent, String kernelName, String declaration, Duration execTimeout,
            ReportPolicy reportPolicy, TemplateBoot template) {
        this.template = template;
        this.machine = Objects.requireNonNull(machine, "machine");
        this.kernelName = Objects.requireNonNull(kernelName, "kernelName");
        this.declaration = Objects.requireNonNull(declaration, "declaration");
        this.agent = new AgentCalls(this, agent, execTimeout);
        this.reportPolicy = Objects.requireNonNull(reportPolicy, "reportPolicy");
        this.kernelLog = new GuestKernelLog(machine.kernelLog(), execTimeout);
    }

    /**
     * Returns the serial console, recorded from the first byte the guest wrote.
     *
     * @return the console: snapshots ({@code lines()}, {@code text()}, {@code tail(n)}), live
     *     {@code follow(consumer)}, {@code awaitLine(pattern, timeout)} and {@code stream()}
     */
    public Console console() {
        return machine.console();
    }

    /**
     * Returns the kernel's log: every record of its ring buffer, at every level (also those a
     * {@code quiet} console hides), with sequence numbers, levels, timestamps and dictionaries,
     * apart from what programs print on the console. The guest agent streams it from
     * {@code /dev/kmsg}, so it needs an image with the agent ({@code initramfs = "busybox"}); it
     * starts with the oldest record still in the ring when the agent connects (normally the
     * boot's first), and ends with the guest. Records the ring overwrote before the agent read
     * them are {@linkplain KernelLog#gaps() gaps}. {@link KernelLogAssert}'s checks first wait
     * for the log to catch up with the guest ({@link KernelLog#awaitCaughtUp}), at most
     * {@link #execTimeout()}.
     *
     * <pre>{@code
     * guest.sh("echo '<4>mydriver: fallback' > /dev/kmsg");
     * assertThat(guest.kernelLog()).atLevel(4).emitsWithin(Duration.ofSeconds(10), "mydriver: fallback");
     * }</pre>
     *
     * @return the log; without the agent, an empty one that is never available
     */
    public KernelLog kernelLog() {
        return kernelLog;
    }

    /**
     * Returns the short name of the kernel this guest booted: its id ({@code debian-cloud}) or
     * its file name.
     *
     * @return the kernel's name
     */
    public String kernelName() {
        return kernelName;
    }

    /**
     * Returns what was booted: kernel and initrd files, the full command line, memory, time limit.
     *
     * @return the machine's configuration
     */
    public MachineConfig config() {
        return machine.config();
    }

    /**
     * Returns the engine's machine, for what this view does not offer (VM exit counts, raw input).
     *
     * @return the machine; do not close it, the guest's scope does
     */
    public Machine machine() {
        return machine;
    }

    /**
     * Sends bytes to the guest's serial input.
     *
     * @param data the bytes
     * @throws IllegalStateException if the input queue (64 KiB) is full: the guest is not reading
     *     its console; a prefix of {@code data} may have been queued
     * @throws io.github.bootkernel.engine.MachineClosedException after the guest's scope closed it
     */
    public void send(byte[] data) {
        int accepted = machine.sendInput(data);
        if (accepted < data.length) {
            throw new IllegalStateException("the serial input queue of " + this + " is full: it took " + accepted
                    + " of " + data.length + " bytes; the guest is not reading its console (wait for a prompt"
                    + " before typing)");
        }
    }

    /**
     * Sends text, UTF-8 encoded, to the guest's serial input, as typed: control characters
     * included (for example {@code "\u0004"} for Ctrl-D).
     *
     * @param text the text
     * @throws IllegalStateException if the input queue is full, see {@link #send(byte[])}
     * @throws io.github.bootkernel.engine.MachineClosedException after the guest's scope closed it
     */
    public void send(String text) {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends a line: the text followed by {@code "\n"}, which a Linux terminal in its default
     * (canonical) mode takes as Enter.
     *
     * @param line the text, without a line terminator
     * @throws IllegalStateException if the input queue is full, see {@link #send(byte[])}
     * @throws io.github.bootkernel.engine.MachineClosedException after the guest's scope closed it
     */
    public void sendLine(String line) {
        send(line + "\n");
    }

    /**
     * Runs a program in the guest, without a shell, and waits for it to end or for its time limit
     * ({@link #execTimeout()}; then it is killed and its result {@linkplain ExecResult#timedOut()
     * timed out}).
     *
     * <pre>{@code
     * ExecResult result = guest.exec("cat", "/proc/version");
     * assertThat(result).succeeds().stdout().startsWith("Linux version 6.");
     * }</pre>
     *
     * @param command the program (a path, or a name looked up in the guest's {@code PATH}
     *     {@code /sbin:/usr/sbin:/bin:/usr/bin}) and its arguments; stdin is {@code /dev/null}
     * @return how it ended and what it printed: at most {@link ExecResult#MAX_KEPT_BYTES} per stream
     * @throws io.github.bootkernel.engine.AgentException if it could not run: the guest has no
     *     agent, the agent did not connect in time, the guest ended, the channel broke, or the
     *     program could not be started (its errno)
     * @throws IllegalArgumentException if the command is empty or beyond the protocol's limits
     *     ({@link Exec#MAX_ENTRIES} arguments of {@link Exec#MAX_STRING_BYTES} bytes)
     * @throws InterruptedException if the thread is interrupted; the program is then killed
     */
    public ExecResult exec(String... command) throws InterruptedException {
        return agent.exec(Exec.of(command));
    }

    /**
     * Runs a shell command line in the guest, as {@code /bin/sh -c commandLine} (busybox's
     * {@code ash} in the busybox image), and waits for it, as {@link #exec(String...)} does.
     *
     * <pre>{@code
     * assertThat(guest.sh("echo out; echo err >&2; exit 7")).exitedWith(7).stdout().isEqualTo("out\n");
     * }</pre>
     *
     * @param commandLine the command line, with pipes, redirections and variables as the shell reads them
     * @return how it ended and what it printed
     * @throws io.github.bootkernel.engine.AgentException as for {@link #exec(String...)}
     * @throws InterruptedException if the thread is interrupted; the command is then killed
     */
    public ExecResult sh(String commandLine) throws InterruptedException {
        return agent.exec(Exec.shell(commandLine));
    }

    /**
     * Runs a request with full control: arguments, environment, working directory, time limit.
     * A request built without {@link Exec#timeout(Duration)} (its limit is
     * {@link Exec#DEFAULT_TIMEOUT}) gets this guest's {@link #execTimeout()}.
     *
     * <pre>{@code
     * guest.exec(Exec.shell("make -C /src test").env("V", "1").workdir("/src").timeout(Duration.ofMinutes(5)));
     * }</pre>
     *
     * @param exec what to run
     * @return how it ended and what it printed
     * @throws io.github.bootkernel.engine.AgentException as for {@link #exec(String...)}
     * @throws InterruptedException if the thread is interrupted; the program is then killed
     */
    public ExecResult exec(Exec exec) throws InterruptedException {
        return agent.exec(exec);
    }

    /**
     * Starts a program and hands its output to {@code listener} as it arrives, without waiting for
     * its end; wait with {@link Execution#await(Duration)}, stop it early with
     * {@link Execution#signal(int)}. The time limit applies as for {@link #exec(Exec)}.
     *
     * <pre>{@code
     * List<String> chunks = new CopyOnWriteArrayList<>();
     * Execution watch = guest.start(Exec.shell("for i in 1 2 3; do echo $i; sleep 1; done"), new ExecListener() {
     *     public void stdout(byte[] chunk) {
     *         chunks.add(new String(chunk, StandardCharsets.UTF_8));
     *     }
     * });
     * assertThat(watch.await(Duration.ofSeconds(30)).orElseThrow()).succeeds();
     * }</pre>
     *
     * @param exec what to run
     * @param listener gets stdout and stderr chunks in order, on the channel's reader thread: it
     *     must be quick and must not block (the result still holds all output)
     * @return the running program; its results work with {@link GuestAssertions#assertThat(ExecResult)}
     * @throws io.github.bootkernel.engine.AgentException as for {@link #exec(String...)}
     * @throws InterruptedException if the thread is interrupted while waiting for the agent
     */
    public Execution start(Exec exec, ExecListener listener) throws InterruptedException {
        return agent.start(exec, listener);
    }

    /**
     * Copies a host file into the guest with the host file's permission bits, checked by size and
     * CRC-32: the guest file appears complete or not at all.
     *
     * @param hostFile a regular file of at most {@link #MAX_COPY_BYTES}
     * @param guestPath the absolute path in the guest; its directory must exist
     * @throws io.github.bootkernel.engine.AgentException if the guest refused it (its errno, for
     *     example ENOENT for a missing directory), or for the reasons of {@link #exec(String...)}
     * @throws IllegalArgumentException if the file is larger than {@link #MAX_COPY_BYTES}
     * @throws java.io.UncheckedIOException if the host file cannot be read
     * @throws InterruptedException if the thread is interrupted
     */
    public void copyToGuest(Path hostFile, String guestPath) throws InterruptedException {
        agent.copyToGuest(hostFile, guestPath, HostPath.modeOf(hostFile));
    }

    /**
     * Copies a host file into the guest with the given permission bits, as
     * {@link #copyToGuest(Path, String)} does.
     *
     * @param hostFile a regular file of at most {@link #MAX_COPY_BYTES}
     * @param guestPath the absolute path in the guest; its directory must exist
     * @param mode the permission bits, for example {@code 0755}
     * @throws io.github.bootkernel.engine.AgentException as for {@link #copyToGuest(Path, String)}
     * @throws IllegalArgumentException if the file is larger than {@link #MAX_COPY_BYTES}
     * @throws InterruptedException if the thread is interrupted
     */
    public void copyToGuest(Path hostFile, String guestPath, int mode) throws InterruptedException {
        agent.copyToGuest(hostFile, guestPath, mode);
    }

    /**
     * Copies a guest file of at most {@link #MAX_COPY_BYTES} to the host, checked by size and
     * CRC-32; the host file is written through a temporary file and a rename.
     *
     * @param guestPath the absolute path of a regular file in the guest
     * @param hostFile where to write it; replaced if it exists
     * @throws io.github.bootkernel.engine.AgentException if the guest refused it (no such file, not
     *     a regular file, too large), or for the reasons of {@link #exec(String...)}
     * @throws java.io.UncheckedIOException if the host file cannot be written
     * @throws InterruptedException if the thread is interrupted
     */
    public void copyFromGuest(String guestPath, Path hostFile) throws InterruptedException {
        copyFromGuest(guestPath, hostFile, MAX_COPY_BYTES);
    }

    /**
     * Copies a guest file to the host, as {@link #copyFromGuest(String, Path)} does, with another
     * size bound.
     *
     * @param guestPath the absolute path of a regular file in the guest
     * @param hostFile where to write it
     * @param maxBytes the largest file accepted
     * @throws io.github.bootkernel.engine.AgentException as for {@link #copyFromGuest(String, Path)}
     * @throws InterruptedException if the thread is interrupted
     */
    public void copyFromGuest(String guestPath, Path hostFile, long maxBytes) throws InterruptedException {
        agent.copyFromGuest(guestPath, hostFile, maxBytes);
    }

    /**
     * Returns the time limit of requests that set none: {@link BootKernel#execTimeout()}, else
     * {@code bootkernel.execTimeout}, else 60 s.
     *
     * @return the limit
     */
    public Duration execTimeout() {
        return agent.timeout();
    }

    /**
     * Returns the reports the kernel printed about bugs and hangs in itself: panics, oopses,
     * {@code BUG:}, {@code WARNING:}, sanitizer reports (KASAN, KMSAN, KFENCE, KCSAN, UBSAN), hung
     * tasks, RCU stalls, soft and hard lockups, lockdep splats, OOM kills; each with its kind, a
     * title that stays the same across runs of the same bug, its console lines, and where it
     * started. They are found on the console as its lines arrive and in the {@linkplain #kernelLog()
     * kernel log} as its records arrive (the engine's {@code KernelReportScanner} says how;
     * {@code Machine.kernelReports()} how the two are merged, each report once); the ones still
     * being read are there with their lines so far. Assert on them
     * with {@link GuestAssert#hasNoKernelReports()}; {@link BootKernel#failOnReports()} fails a
     * test on some kinds by itself.
     *
     * <pre>{@code
     * guest.sh("echo c > /proc/sysrq-trigger");   // the kernel panics
     * guest.kernelReports().get(0).title();      // "kernel panic: sysrq triggered crash"
     * }</pre>
     *
     * @return the reports so far, oldest first; an immutable snapshot
     */
    public List<KernelReport> kernelReports() {
        if (template == null) {
            return machine.kernelReports();
        }
        List<KernelReport> inherited = template.reports();
        if (inherited.isEmpty()) {
            return machine.kernelReports();
        }
        // A clone's kernel went through its template's boot: those reports come first. A clone whose
        // kernel log is read again from the ring's start finds them again; they are listed once.
        List<KernelReport> all = new ArrayList<>(inherited);
        all.addAll(KernelReport.notAmong(machine.kernelReports(), inherited));
        return List.copyOf(all);
    }

    /**
     * Says whether a report of {@link #kernelReports()} was printed during the boot of this clone's
     * template, before the snapshot.
     */
    boolean fromTemplateBoot(KernelReport report) {
        return template != null && template.reports().stream().anyMatch(r -> r.isSameReport(report));
    }

    /**
     * Returns the snapshot this guest is a clone of, for a declaration with
     * {@link BootKernel#fromSnapshot()}: the same words for every clone of one template boot (a
     * different snapshot, booted again, has another number), for example
     * {@code snapshot 3 of bzImage (1 vCPU, 256 MiB)} (the kernel's file name; {@link #toString()}
     * names the kernel's id).
     *
     * @return the snapshot, in words; empty for a guest that booted
     */
    public Optional<String> clonedFrom() {
        return machine.clonedFrom();
    }

    /** @return for a clone, its template; empty for a guest that booted */
    Optional<TemplateBoot> template() {
        return Optional.ofNullable(template);
    }

    /** @return which of this guest's reports fail its tests, and which were judged already */
    ReportPolicy reportPolicy() {
        return reportPolicy;
    }

    /**
     * Returns how the guest ended, if it has.
     *
     * @return the end, or empty while the guest runs
     */
    public Optional<GuestExit> exit() {
        return machine.exit();
    }

    /**
     * Waits for the guest to end: it wrote an exit status, reset, powered off, panicked, crashed or
     * reached its time limit. It returns as soon as the guest ended, and the console then holds
     * everything the guest printed.
     *
     * @param timeout how long to wait
     * @return how the guest ended
     * @throws AssertionFailedError if it still runs after {@code timeout}; the message ends with
     *     the last console lines
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public GuestExit awaitExit(Duration timeout) throws InterruptedException {
        return machine.awaitExit(timeout).orElseThrow(() -> new AssertionFailedError(ConsoleTail.append(
                this + " did not end within " + timeout, console())));
    }

    /** Stops the guest if it still runs and releases its machine. Idempotent; JUnit calls it. */
    @Override
    public void close() {
        machine.close();
    }

    /**
     * @return for example {@code guest 'parameter #0 of com.example.BootTest.boots(Guest)' (kernel probe)},
     *     for a clone {@code guest '...' (kernel probe, a clone of template 1)}
     */
    @Override
    public String toString() {
        return "guest '" + declaration + "' (kernel " + kernelName
                + (template == null ? "" : ", a clone of template " + template.number()) + ")";
    }
}
