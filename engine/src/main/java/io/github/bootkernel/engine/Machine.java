package io.github.bootkernel.engine;

import io.github.bootkernel.engine.agent.GuestAgent;
import io.github.bootkernel.engine.agent.internal.AbsentAgent;
import io.github.bootkernel.engine.agent.internal.AgentClient;
import io.github.bootkernel.engine.agent.internal.ChannelState;
import io.github.bootkernel.engine.boot.AcpiTables;
import io.github.bootkernel.engine.boot.BzImage;
import io.github.bootkernel.engine.boot.InputFile;
import io.github.bootkernel.engine.boot.KernelLoader;
import io.github.bootkernel.engine.boot.Layout;
import io.github.bootkernel.engine.boot.LoadPlan;
import io.github.bootkernel.engine.console.Console;
import io.github.bootkernel.engine.console.internal.ConsoleSink;
import io.github.bootkernel.engine.devices.AcpiSleepRegisters;
import io.github.bootkernel.engine.devices.CmosRtc;
import io.github.bootkernel.engine.devices.ExitStatusPort;
import io.github.bootkernel.engine.devices.I8042;
import io.github.bootkernel.engine.devices.PortBus;
import io.github.bootkernel.engine.devices.Uart16550;
import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.kmsg.internal.KernelLogSink;
import io.github.bootkernel.engine.kmsg.internal.RecordLog;
import io.github.bootkernel.engine.kvm.Capability;
import io.github.bootkernel.engine.kvm.CpuidEntry;
import io.github.bootkernel.engine.kvm.Kvm;
import io.github.bootkernel.engine.kvm.KvmException;
import io.github.bootkernel.engine.kvm.MemoryFile;
import io.github.bootkernel.engine.kvm.StateSupport;
import io.github.bootkernel.engine.kvm.VcpuState;
import io.github.bootkernel.engine.kvm.VmState;
import io.github.bootkernel.engine.kvm.Vm;
import io.github.bootkernel.engine.memory.GuestMemory;
import io.github.bootkernel.engine.report.KernelReport;
import io.github.bootkernel.engine.serial.SerialChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * A running virtual machine booting a Linux kernel: {@linkplain MachineConfig#cpus() one or more
 * vCPUs}, each on its own platform thread, guest RAM,
 * the in-kernel interrupt controllers and timer, a 16550A console (COM1, ttyS0), a second 16550A
 * for the guest agent (COM2, ttyS1, see {@link #agent()}), an i8042 for resets, the ACPI sleep
 * registers for power-off, and the exit-status port 0xf4. How a guest ends, and how that end is
 * read, is described at {@link GuestExit}.
 *
 * <pre>{@code
 * try (Machine machine = Machine.start(MachineConfig.builder(kernel).initrd(initramfs).build())) {
 *     machine.console().awaitLine(Pattern.compile("init: ready"), Duration.ofSeconds(60)).orElseThrow();
 *     machine.sendInput("/bin/exit-status 3\n");
 *     GuestExit exit = machine.awaitExit(Duration.ofSeconds(60)).orElseThrow();   // exit status 3
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops a running guest within a second, joins every vCPU thread and releases
 * every file descriptor and mapping; it is idempotent. Thread-safe.
 */
public final class Machine implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Machine.class.getName());
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
    /** How long {@link #close()} lets the console's followers and raw consumer take what is left. */
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(1);
    /**
     * How long a snapshot waits for the agent channel's writer to have its frame taken and for its
     * reader to have read everything the held guest sent (normally microseconds).
     */
    private static final Duration AGENT_QUIET_TIMEOUT = Duration.ofSeconds(2);
    /** The raw-output consumer of {@link #start(MachineConfig)}: none. */
    private static final IntConsumer NO_RAW_OUTPUT = b -> { };

    private final MachineConfig config;
    private final GuestAgent agent;
    /** The agent's client over COM2, with {@link MachineConfig#agent()}; {@code null} without. */
    private final AgentClient client;
    private final CompletableFuture<GuestExit> exit = new CompletableFuture<>();
    private final Object lifecycle = new Object();
    private Kvm kvm;
    private Vm vm;
    private volatile GuestMemory memory;
    private Uart16550 com1;
    /** THR writes through KVM's coalesced ring; {@code null} without (see {@link CoalescedPio}). */
    private volatile CoalescedPio coalesced;
    /**
     * COM2 as byte streams: the agent's transport. Without an agent nobody reads it, and a guest
     * writing to ttyS1 waits once {@value SerialChannel#OUTPUT_BUFFER_BYTES} bytes are unread.
     */
    private final SerialChannel com2 = new SerialChannel("ttyS1", level -> irq(Platform.COM2.irq(), level));
    private final HaltWatch haltWatch;
    private final KernelEvents events;
    /** Serializes the console's bytes: vCPUs write COM1 on their own threads. */
    private final Object consoleLock = new Object();
    /** The kernel's reports, read from the console's lines and the kernel log's records as they complete. */
    private final ReportWatch reports = new ReportWatch();
    /**
     * The kernel log's write side: the agent channel's receiver of the KLOG request, with
     * {@link MachineConfig#agent()} and {@link MachineConfig#kernelLog()}; without, it stays
     * empty. Ended with the guest.
     */
    private final KernelLogSink kernelLogSink;
    /** The console's write side: only this machine feeds and ends it. */
    private final ConsoleSink consoleSink;
    /** When the boot's phases were reached. */
    private final PhaseClock phases;
    /** The silence watchdog, with {@link MachineConfig#silenceTimeout()}; {@code null} without. */
    private final SilenceWatch silence;
    /** The vCPU threads, vCPU 0 first; empty until {@code build} creates them. */
    private volatile List<VcpuThread> vcpus = List.of();
    /** Completes once every vCPU is set up (or the machine closes): then they enter the guest. */
    private final CompletableFuture<Void> go = new CompletableFuture<>();
    /** vCPU threads still running the guest; the last to stop ends the console. */
    private final AtomicInteger running;
    private boolean released;
    private boolean closed;
    /**
     * Held by {@link #snapshot()} while it reads KVM state and by {@link #close()} before it
     * releases the VM, so no state ioctl reaches a closed (or reused) descriptor.
     */
    private final Object snapshotLock = new Object();
    /** Holds the vCPUs for {@link #snapshot()}. */
    private final PauseGate pauseGate;
    /** The CMOS clock, whose index register a snapshot saves. */
    private CmosRtc cmos;
    /** For a clone: the states its vCPUs start from, and what the host offers; null for a boot. */
    private List<VcpuState> restoreStates;
    private StateSupport restoreSupport;
    /** Whether this machine has been paused for a snapshot (guarded by {@link #lifecycle}). */
    private boolean snapshotTaken;
    /** Whether the last console byte was CR; guarded by {@link #consoleLock}. */
    private boolean lastConsoleByteWasCr;
    /** In a clone: the source's console ended with CR, whose LF may follow; guarded by {@link #consoleLock}. */
    private boolean finishingTerminator;
    /** For a clone: the snapshot it was restored from, in words; null for a boot. */
    private volatile String clonedFrom;

    private Machine(MachineConfig config, IntConsumer rawOutput, long startedAt) {
        this(config, rawOutput, startedAt, null, null);
    }

    /**
     * @param agentState for a clone with the agent, its snapshot's channel state (the client is
     *     then made but not started: {@link #buildClone} starts it); null for a boot
     * @param kernelLog for a clone, its snapshot's kernel log; null for a boot
     */
    private Machine(MachineConfig config, IntConsumer rawOutput, long startedAt, ChannelState agentState,
                    RecordLog.Saved kernelLog) {
        this.config = config;
        this.kernelLogSink = kernelLog == null ? new KernelLogSink(reports::accept)
                : KernelLogSink.continuing(kernelLog, reports::accept);
        this.haltWatch = new HaltWatch(config.cpus(), this::inspectVcpus, exit::isDone, this::powerDownLine);
        this.events = new KernelEvents(haltWatch::arm, new PanicGrace(this::end), System::nanoTime);
        this.running = new AtomicInteger(config.cpus());
        this.pauseGate = new PauseGate(config.cpus());
        this.phases = new PhaseClock(startedAt, config.readyLine().map(Pattern::compile).orElse(null), System::nanoTime);
        exit.thenRun(phases::ended);
        String description = "the machine booting " + config.kernel();
        // With the kernel log on, the client asks the agent for /dev/kmsg's records after every WELCOME.
        if (!config.agent()) {
            this.client = null;
        } else if (agentState == null) {
            this.client = new AgentClient(com2.fromGuest(), com2.toGuest(), description,
                    config.kernelLog() ? kernelLogSink : null);
        } else {
            this.client = AgentClient.restored(com2.fromGuest(), com2.toGuest(), description,
                    config.kernelLog() ? kernelLogSink : null, agentState);
        }
        this.agent = client != null ? client : new AbsentAgent(description);
        // The kernel's last words are read byte by byte on the vCPU threads (consoleByte); its reports,
        // the boot's phases and the silence watchdog from the console's lines (consoleLine).
        this.consoleSink = ConsoleSink.create(this::consoleLine, rawOutput == NO_RAW_OUTPUT ? null : rawOutput);
        this.silence = config.silenceTimeout().map(t -> new SilenceWatch(t.toNanos(), seconds(t), this::end,
                exit::isDone, consoleSink.console()::partialLine, this::consoleBytesPending, System::nanoTime))
                .orElse(null);
    }

    /**
     * Validates the inputs, builds the machine and starts the guest.
     *
     * @param config what to boot
     * @return the running machine, owned by the caller
     * @throws BootImageException when the kernel, initrd or command line cannot be booted
     * @throws KvmUnavailableException when KVM cannot be used on this host
     * @throws MachineException when KVM or the host refuses a step of building the machine
     */
    public static Machine start(MachineConfig config) {
        return start(config, NO_RAW_OUTPUT);
    }

    /**
     * Like {@link #start(MachineConfig)}, also handing every console byte to {@code rawOutput}
     * (for a terminal that shows prompts without newlines). The bytes are delivered in order on
     * the console's delivery thread, never on a vCPU thread, through a buffer of 256 KiB: a
     * consumer slower than the guest loses the bytes that do not fit, counted by
     * {@link #rawOutputDropped()}; one that blocks stalls neither the guest nor {@link #close()},
     * which gives it a second to take what is left and then abandons it.
     *
     * @param config what to boot
     * @param rawOutput receives each byte the guest writes to its serial port, in the low 8 bits
     * @return the running machine, owned by the caller
     * @throws BootImageException when the kernel, initrd or command line cannot be booted
     * @throws KvmUnavailableException when KVM cannot be used on this host
     * @throws MachineException when KVM or the host refuses a step of building the machine
     */
    public static Machine start(MachineConfig config, IntConsumer rawOutput) {
        long startedAt = System.nanoTime();
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(rawOutput, "rawOutput");
        // Every input is checked against the plan from its size before any of it is read beyond the
        // kernel's header; the files stay open until they are copied into guest memory.
        try (InputFile kernel = InputFile.open("kernel", config.kernel());
             InputFile initrd = config.initrd().map(Machine::openInitrd).orElse(null)) {
            BzImage image = BzImage.read(kernel);
            List<GuestMemory.Region> ram = Layout.ram((long) config.memoryMiB() << 20);
            LoadPlan plan = KernelLoader.plan(image, config.initrd().orElse(null), initrd == null ? 0 : initrd.size(),
                    config.cmdline(), ram);
            Machine machine = new Machine(config, rawOutput, startedAt);
            try {
                machine.build(image, kernel, initrd, plan, ram);
                return machine;
            } catch (RuntimeException | Error e) {
                try {
                    machine.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw typed(config, e);
            }
        }
    }

    /**
     * Maps a failure of the low layers to the engine's exception types: a native library that
     * cannot load is {@link KvmUnavailableException}, any other KVM or memory failure is
     * {@link MachineException}; the engine's own types and other errors pass unchanged.
     */
    private static RuntimeException typed(MachineConfig config, Throwable e) {
        if (e instanceof EngineException engine) {
            return engine;
        }
        if (e instanceof LinkageError linkage) {
            return new KvmUnavailableException(KvmAvailability.nativeCodeMissing(config.kvmDevice(), linkage), e);
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new MachineException("starting a machine for " + config.kernel() + " failed: " + e.getMessage(), e);
    }

    private static InputFile openInitrd(Path file) {
        InputFile initrd = InputFile.open("initrd", file);
        if (initrd.size() == 0) {
            initrd.close();
            throw new BootImageException("initrd", file, "is empty");
        }
        return initrd;
    }

    private void build(BzImage image, InputFile kernel, InputFile initrd, LoadPlan plan,
                       List<GuestMemory.Region> ram) {
        openKvm();
        int maxVcpus = kvm.maxVcpus();
        if (config.cpus() > maxVcpus) {
            throw new MachineException("the guest asks for " + config.cpus() + " vCPUs, but " + config.kvmDevice()
                    + " allows at most " + maxVcpus + " per VM (KVM_CAP_MAX_VCPUS)", null);
        }
        createVm();
        memory = GuestMemory.allocate(ram);
        memory.register(vm);
        KernelLoader.load(memory, image, kernel, initrd, plan, config.cpus(), Platform.ISA_DEVICES);
        PortBus bus = wireDevices();
        run(bus, plan);
    }

    /** Opens the KVM device; a failure says why KVM is unavailable. */
    private void openKvm() {
        try {
            kvm = Kvm.open(config.kvmDevice());
        } catch (KvmException e) {
            throw new KvmUnavailableException(KvmAvailability.failed(config.kvmDevice(), e), e);
        }
    }

    /** Creates the VM with its TSS and identity-map pages, in-kernel interrupt controllers and PIT. */
    private void createVm() {
        vm = kvm.createVm();
        vm.setTssAddr(Layout.TSS_ADDRESS);
        vm.setIdentityMapAddr(Layout.IDENTITY_MAP_ADDRESS);
        vm.createIrqchip();
        vm.createPit2();
    }

    /**
     * Creates the device models (COM1 for the console, the i8042, the exit-status port, the ACPI
     * sleep registers, the CMOS) and wires them with COM2 onto the port bus.
     */
    private PortBus wireDevices() {
        com1 = new Uart16550(level -> irq(Platform.COM1.irq(), level), this::consoleByte,
                Uart16550.HostInput.WHEN_LISTENING);
        I8042 i8042 = new I8042(this::onReset);
        ExitStatusPort exitPort = new ExitStatusPort(s -> end(new GuestExit(GuestExit.Kind.EXIT_STATUS, s, "")));
        AcpiSleepRegisters sleep = new AcpiSleepRegisters(AcpiTables.S5_SLEEP_TYPE, () -> end(GuestExit.of(
                GuestExit.Kind.POWEROFF, "ACPI S5 (soft off) through the sleep control register")));
        cmos = new CmosRtc();
        return Platform.wire(com1, com2.uart(), i8042, cmos, exitPort, sleep,
                msg -> LOG.log(System.Logger.Level.DEBUG, msg));
    }

    /** Starts the vCPUs from {@code plan} (null for a clone), the time limit and the silence watch. */
    private void run(PortBus bus, LoadPlan plan) {
        startVcpus(kvm.supportedCpuid(), kvm.checkExtension(Capability.TSC_DEADLINE_TIMER) > 0, bus, plan);
        config.timeout().ifPresent(this::scheduleTimeout);
        if (silence != null) {
            silence.start();
        }
    }

    /**
     * Creates and sets up the vCPUs in order, each on its own thread, registers the UARTs' coalesced
     * zones where KVM has them, then lets them all enter the guest: vCPU 0 at the kernel's entry, the others to wait for its start-up IPIs. A vCPU that
     * fails to set up fails the start; {@link #close()} then ends the ones already waiting.
     */
    private void startVcpus(List<CpuidEntry> supportedCpuid, boolean tscDeadline, PortBus bus, LoadPlan plan) {
        int n = config.cpus();
        List<VcpuThread> created = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                VcpuThread v = new VcpuThread(i, n, supportedCpuid, tscDeadline, vm, bus, plan, exit, go, this::end,
                        haltWatch::inspect, this::vcpuStopped, i == 0 ? phases::monitorReady : () -> { });
                created.add(v);
                v.pauseWith(pauseGate);
                if (restoreStates != null) {
                    v.restoreFrom(restoreStates.get(i), restoreSupport);
                }
                v.start();
            }
        } finally {
            vcpus = List.copyOf(created);
        }
        // Before any vCPU runs, so the guest's first THR write already goes through the ring.
        coalesced = CoalescedPio.enable(kvm, vm, vcpus.get(0).vcpu(), bus,
                List.of(Platform.COM1.ioBase(), Platform.COM2.ioBase()), this::end).orElse(null);
        go.complete(null);
    }

    /** A vCPU thread stopped running the guest; once the last one has, the guest has stopped. */
    private void vcpuStopped() {
        if (running.decrementAndGet() == 0) {
            guestStopped();
        }
    }

    private void scheduleTimeout(Duration timeout) {
        exit.completeOnTimeout(GuestExit.of(GuestExit.Kind.TIMEOUT, "no end within " + seconds(timeout)),
                        timeout.toNanos(), TimeUnit.NANOSECONDS)
                .thenRun(this::kick);
    }

    /** A time limit in words: {@code "120 s"}, or {@code "1.500 s"} when it is not whole seconds. */
    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.3f s", d.toMillis() / 1e3);
    }

    private void consoleByte(int b) {
        // First, on the writing vCPU's thread: the kernel's last words must be read before any exit that follows them.
        // One byte at a time: Linux serializes its console, but a guest's vCPUs may write COM1 at once.
        synchronized (consoleLock) {
            if (continuesTerminator(b)) {
                return;
            }
            events.accept(b);
            phases.output();
            if (silence != null) {
                silence.output();
            }
            consoleSink.accept(b);
        }
    }

    /**
     * Tracks whether the console's last byte was CR and, in a clone whose source's console ended
     * with one, swallows the CRs and the one LF that finish that terminator (the console reads
     * CR, CR LF and CR CR LF as one line end; the clone's console starts after it). With the
     * console's lock held.
     */
    private boolean continuesTerminator(int b) {
        boolean swallow = false;
        if (finishingTerminator) {
            swallow = b == '\r' || b == '\n';
            finishingTerminator = b == '\r';
        }
        lastConsoleByteWasCr = b == '\r';
        return swallow;
    }

    /** Each completed console line: on a vCPU thread, with the console's lock held; heap only. */
    private void consoleLine(String line) {
        reports.accept(line);
        phases.line(line);
        if (silence != null) {
            silence.line(line);
        }
    }

    /**
     * Ends the console and COM2's streams with how the guest ended: called on the last vCPU thread
     * to stop running the guest (so every byte the guest wrote is in the console or COM2's
     * buffer), and by {@link #close()}. Both only wake their waiters: no host code runs here.
     */
    private void guestStopped() {
        String how = guestEnd();
        kernelLogSink.end();
        reports.end();
        consoleSink.end(how);
        if (client == null) {
            com2.end(how);
            return;
        }
        // Ending the client fails its requests, which runs their callers' code: not on a vCPU thread.
        Thread ender = new Thread(() -> endCom2(how), "bootkernel-agent-end");
        ender.setDaemon(true);
        ender.start();
    }

    /**
     * Ends COM2 with how the guest ended: first the agent's client, which fails every request with
     * those words, then COM2's streams, whose end the client would otherwise report in words of its
     * own (the end of the agent's stream).
     */
    private void endCom2(String how) {
        try {
            if (client != null) {
                client.end("the guest ended (" + how + ")");
            }
        } finally {
            com2.end(how);
        }
    }

    /** How the guest ended, in words, for the console, COM2's streams and the agent. */
    private String guestEnd() {
        return exit().map(GuestExit::toString).orElse("the vCPU stopped");
    }

    /** Drives the interrupt line of an ISA device; once the machine is released, nothing. */
    private void irq(int line, boolean level) {
        synchronized (lifecycle) {
            if (!released && vm != null) {
                vm.irqLine(line, level);
            }
        }
    }

    private void onReset() {
        end(GuestExit.of(GuestExit.Kind.RESET, "i8042 reset"));
    }

    /**
     * Ends the guest as the machine ended it, read in the light of the kernel's last words (see
     * {@link GuestExit}); the first end wins.
     */
    private void end(GuestExit how) {
        if (exit.complete(events.classify(how))) {
            kick();
        }
    }

    private void inspectVcpus() {
        for (VcpuThread v : vcpus) {
            v.inspect();
        }
    }

    private String powerDownLine() {
        return events.powerDownLine();
    }

    private void kick() {
        for (VcpuThread v : vcpus) {
            v.kick();
        }
    }

    /** @return whether console bytes the guest wrote wait in KVM's coalesced ring; never waits */
    private boolean consoleBytesPending() {
        CoalescedPio c = coalesced;
        return c != null && c.pending(Platform.COM1.ioBase());
    }

    /** Stops draining the coalesced ring, after a last drain: the vCPUs have stopped. */
    private void closeCoalesced() {
        CoalescedPio c = coalesced;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "closing the coalesced I/O ring failed", e);
            }
        }
    }

    /**
     * @return how many guest port writes reached their device through KVM's coalesced ring, without
     *     a VM exit; 0 when the host lacks {@code KVM_CAP_COALESCED_PIO} or it is turned off
     */
    public long coalescedWrites() {
        CoalescedPio c = coalesced;
        return c == null ? 0 : c.drainedCount();
    }

    /** @return COM2's byte streams, for tests of the transport under the agent */
    SerialChannel com2() {
        return com2;
    }

    /** @return the configuration this machine was started with */
    public MachineConfig config() {
        return config;
    }

    /**
     * Returns the guest agent: the command channel on the guest's second serial port (ttyS1), see
     * {@link GuestAgent}. Without {@link MachineConfig#agent()} every request fails at once. With
     * it, the client starts with the machine and waits for the agent's HELLO; when the guest ends,
     * every request in flight and every later one fails with the guest's end in words ("the guest
     * ended (exit status 3)"), and {@link #close()} closes it.
     *
     * @return the agent of this machine
     */
    public GuestAgent agent() {
        return agent;
    }

    /** @return the guest's serial console, read-only */
    public Console console() {
        return consoleSink.console();
    }

    /**
     * Queues bytes for the guest's serial input. They wait in the monitor until the guest's serial
     * driver listens (enables the UART's received-data interrupt; Linux does so once the console's
     * tty is open), so input sent at any time after {@link #start} is neither lost to the FIFO
     * clears of the driver's start-up nor reordered.
     *
     * @param data the bytes
     * @return how many were accepted; fewer than {@code data.length} when the input queue is full
     * @throws MachineClosedException after {@link #close()}
     */
    public int sendInput(byte[] data) {
        Objects.requireNonNull(data, "data");
        synchronized (lifecycle) {
            if (closed) {
                throw new MachineClosedException("sendInput");
            }
        }
        // Outside the lock: the UART raises its interrupt through irq(), which takes it, on the vCPU
        // thread too. A close racing with this call only queues bytes no guest will read.
        return com1.enqueueInput(data);
    }

    /**
     * Queues a string, UTF-8 encoded, for the guest's serial input.
     *
     * @param text the text
     * @return how many bytes were accepted
     * @throws MachineClosedException after {@link #close()}
     */
    public int sendInput(String text) {
        return sendInput(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Returns the guest's kernel log: every record of the kernel's ring buffer, at every level, as
     * the guest agent streams it from {@code /dev/kmsg} (see {@link KernelLog}). It needs
     * {@link MachineConfig#agent()} and {@link MachineConfig#kernelLog()}; without them, or before
     * the agent connects, it holds nothing and is not {@linkplain KernelLog#isAvailable()
     * available}. It ends with the guest.
     *
     * @return the kernel log of this machine
     */
    public KernelLog kernelLog() {
        return kernelLogSink.log();
    }

    /**
     * Returns the reports the kernel printed about bugs and hangs in itself (panics, oopses,
     * {@code BUG:}, {@code WARNING:}, sanitizer reports, hung tasks, stalls, lockups, lockdep, OOM
     * kills), found by a {@link io.github.bootkernel.engine.report.KernelReportScanner} (whose
     * Javadoc says how a report is recognised, where it ends and what is kept) in two sources: the
     * console's lines as they arrive, and the {@linkplain #kernelLog() kernel log}'s records, each
     * record's lines as the console would print them. A report in both (the same kind with the
     * same uptime, or, without an uptime on the console, the same title) is listed once, as the
     * kernel log's ({@link KernelReport.Source#KERNEL_LOG}): it has every line, also those a
     * {@code quiet} console hides. The console stays the source before the agent runs, without it,
     * and for a panic's last words, which the agent may not live to read.
     *
     * <p>The list is ordered by uptime (a console report without one comes right after the console
     * report before it); the reports still being read, if any, are there with their lines so far;
     * once the guest ended, every report is complete. A report the kernel log delivers late (it is
     * read after the boot's records) may thus appear before reports listed earlier.
     *
     * @return the reports so far, oldest first; an immutable snapshot
     */
    public List<KernelReport> kernelReports() {
        return reports.reports();
    }

    /**
     * Tells {@code listener} of each kernel report once it is complete (see
     * {@link #kernelReports()}), in the order they complete, starting with those completed before
     * this call; a report in both sources once, as the source that completed it first saw it. It runs
     * on a thread of this machine's ({@code bootkernel-reports-N}), never on a vCPU thread, so it
     * cannot stall the guest; one that throws is logged and told of the next report.
     * {@link #close()} gives the listeners a second to take what is left, then abandons them;
     * after {@code close()}, {@code listener} is told of every report at once, on the calling
     * thread. Listeners stay for the machine's lifetime.
     *
     * @param listener receives each report
     */
    public void onKernelReport(Consumer<KernelReport> listener) {
        reports.listen(listener);
    }

    /**
     * Returns where the guest's time went so far: when the monitor was ready, the first console
     * byte, the kernel's {@code Run /init} line, the {@linkplain MachineConfig#readyLine() ready
     * line} and the end came, each counted from the call to {@link #start(MachineConfig)}.
     *
     * @return a snapshot of the phases reached
     */
    public BootPhases bootPhases() {
        return phases.phases();
    }

    /** @return how the guest ended, if it has */
    public Optional<GuestExit> exit() {
        return Optional.ofNullable(exit.getNow(null));
    }

    /**
     * Waits for the guest to end. Once its end is known, it also waits (within the same
     * {@code timeout}, and 5 s at most, as long as {@link #close()} waits for them) for the vCPU
     * threads to stop running the guest, so that the console then holds every byte the guest wrote
     * and {@linkplain Console#isEnded() has ended}; normally that takes microseconds.
     *
     * @param timeout how long to wait at most
     * @return how it ended, or empty if it is still running after {@code timeout}
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public Optional<GuestExit> awaitExit(Duration timeout) throws InterruptedException {
        long budget = TimeUnit.NANOSECONDS.convert(timeout); // saturates instead of overflowing
        long started = System.nanoTime();
        GuestExit end;
        try {
            end = exit.get(budget, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("unreachable: the exit future is never completed exceptionally", e);
        }
        long left = budget - (System.nanoTime() - started);
        consoleSink.console().awaitEnd(Duration.ofNanos(Math.min(left, JOIN_TIMEOUT.toNanos())));
        return Optional.of(end);
    }

    /**
     * Returns how many console bytes the raw-output consumer given to
     * {@link #start(MachineConfig, IntConsumer)} did not get: it was too slow for the 256 KiB
     * buffer, it threw, or it had not taken them a second after {@link #close()} began.
     *
     * @return the count, in bytes; 0 for a machine started without a raw-output consumer
     */
    public long rawOutputDropped() {
        return consoleSink.rawOutputDropped();
    }

    /**
     * @return how many times {@code KVM_RUN} returned to the monitor so far (VM exits to user
     *     space), on all vCPUs together
     */
    public long exitCount() {
        long sum = 0;
        for (VcpuThread v : vcpus) {
            sum += v.exitCount();
        }
        return sum;
    }

    /**
     * Returns how much of the guest's RAM the host holds in memory now: the pages the guest and
     * the loader touched ({@code mincore(2)} over guest RAM's mapping). A guest of
     * {@link MachineConfig#memoryMiB()} costs the host only these, plus the monitor's own heap and
     * threads.
     *
     * @return bytes, a multiple of 4 KiB; 0 once the machine is closed
     */
    public long residentMemoryBytes() {
        GuestMemory m = memory;
        try {
            return m == null ? 0 : m.residentBytes();
        } catch (IllegalStateException closed) {
            return 0;
        }
    }

    /**
     * Stops the guest if it still runs (its end becomes {@link GuestExit.Kind#STOPPED}), joins
     * every vCPU thread and releases every resource; then gives the console's followers and raw-output
     * consumer up to a second to take what is left, and abandons them (see
     * {@link Console#follow(java.util.function.Consumer, boolean)}). It never waits longer for
     * host code, whatever a follower or the raw consumer does; called from one of them, it does
     * not wait for them at all. Idempotent.
     *
     * @throws IllegalStateException if called on a vCPU thread
     * @throws MachineException if a vCPU thread does not stop, in which case memory stays mapped
     *     rather than risk a crash, or if releasing a resource fails
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            for (VcpuThread v : vcpus) {
                if (v.isCurrentThread()) {
                    throw new IllegalStateException("Machine.close() called on a vCPU thread; close it from another thread");
                }
            }
            closed = true;
        }
        end(GuestExit.of(GuestExit.Kind.STOPPED, "closed by the host"));
        go.complete(null); // vCPUs set up by a start that failed: they see the end and stop
        try {
            joinVcpus();
        } finally {
            closeCoalesced();
            String how = guestEnd();
            kernelLogSink.end();
            reports.end();
            consoleSink.end(how);
            endCom2(how);
        }
        synchronized (snapshotLock) { // a snapshot under way has seen the end and stops reading state
            synchronized (lifecycle) {
                released = true;
            }
        }
        try {
            List<AutoCloseable> resources = new ArrayList<>(vcpus);
            resources.addAll(Arrays.asList(vm, memory, kvm));
            closeAll(resources);
        } finally {
            if (client != null) {
                client.close();
            }
            consoleSink.finishDelivery(DELIVERY_TIMEOUT);
            reports.finish(DELIVERY_TIMEOUT);
        }
    }

    /**
     * Pauses the guest and captures everything it can observe, so that {@link Snapshot#restore()}
     * gives new, independent machines that run on from this instant. Each vCPU is kicked out of
     * {@code KVM_RUN} and held on its thread (pending port I/O completes first, api.rst on
     * {@code immediate_exit}); then every vCPU's registers, special registers, FPU/XSAVE and XCRs,
     * MSRs, LAPIC, pending events, debug registers and MP state, the VM's PIC pair, IOAPIC, PIT
     * and kvmclock, both UARTs (FIFOs, queued input, interrupt state), the CMOS index and the
     * console's partial line are saved, and guest RAM is copied once into a sealed memory file
     * ({@link GuestMemory#copyToFile()}: only the pages the host holds that are not all zero),
     * which the snapshot keeps and its clones map copy-on-write.
     *
     * <p>This machine then ends (its end is {@link GuestExit.Kind#STOPPED}, "snapshotted") and its
     * own RAM is given back to the host (it reads as zeros from then on). Close it as usual.
     *
     * <p>With the guest agent ({@link MachineConfig#agent()}), the channel's state is captured
     * too, at a quiet point: callers' new requests wait, the channel's writer finishes the frame
     * it is writing, and its reader reads and handles everything the held guest sent; then the
     * handshake's outcome, the next request id, the kernel log's request and its unanswered SYNCs,
     * the bytes of a frame from the agent read only partly and the frames for the agent not yet
     * written are saved with the kernel log so far, so that each clone's client continues the
     * same session with the same run of the agent (whose state is in RAM), and each clone's kernel
     * log continues from the same record. A guest whose agent has not said HELLO yet is fine: a
     * clone's client waits for it as a new one does. A snapshot belongs to nobody's call: while
     * any request of this machine's callers is in flight (a command running, a file being copied,
     * also one whose caller gave up and whose last frame has not arrived) it is refused with a
     * {@link MachineException} naming them, and the guest runs on. Each clone's agent is sent the
     * host's entropy and wall clock before any request of its callers (see {@link Snapshot#restore()}).
     *
     * <p>Not yet: a clone (its RAM is a private copy of another file).
     *
     * @return the snapshot, owned by the caller, who closes it
     * @throws MachineClosedException after {@link #close()}
     * @throws IllegalStateException if the guest has ended, a snapshot was already taken, this is
     *     a clone, or the call comes from a vCPU thread
     * @throws MachineException if a request of this machine's callers to the guest agent is in
     *     flight (the message names them), the agent's channel has ended (broken) or does not reach
     *     a quiet point within 2 s (the guest does not read what the host sent it), the vCPUs do not
     *     pause within 5 s, or KVM refuses a state ioctl or the host the memory file (in all of
     *     these the guest then runs on)
     */
    public Snapshot snapshot() {
        synchronized (lifecycle) {
            if (closed) {
                throw new MachineClosedException("snapshot");
            }
            if (memory != null && memory.isClone()) {
                throw new IllegalStateException("a clone cannot be snapshotted yet: its RAM is a private"
                        + " copy-on-write mapping of its snapshot's");
            }
            if (snapshotTaken) {
                throw new IllegalStateException("this machine was already snapshotted; snapshot its clones' source once");
            }
            for (VcpuThread v : vcpus) {
                if (v.isCurrentThread()) {
                    throw new IllegalStateException("Machine.snapshot() called on a vCPU thread");
                }
            }
            if (exit.isDone()) {
                throw new IllegalStateException("the guest has ended (" + guestEnd() + "): nothing to snapshot");
            }
            snapshotTaken = true;
        }
        synchronized (snapshotLock) {
            return pauseAndCapture();
        }
    }

    private Snapshot pauseAndCapture() {
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        pauseGate.request();
        kick();
        try {
            if (!pauseGate.awaitHeld(deadline, exit::isDone)) {
                if (exit.isDone()) {
                    throw new IllegalStateException("the guest ended (" + guestEnd() + ") before it could be paused");
                }
                throw new MachineException("the vCPUs did not pause within " + JOIN_TIMEOUT, null);
            }
            // Every port write KVM recorded in the coalesced ring reaches its UART before the UARTs
            // are saved (each vCPU also drained after its last run; this covers the drain thread's
            // gap).
            vm.drainCoalesced();
            // Before any device or KVM state is saved: quieting the channel lets the guest's last
            // bytes leave COM2's transmitter (its THRE interrupt then pends) and the host's queued
            // frames enter COM2's input queue.
            ChannelState agentState = client == null ? null : quietAgent();
            RecordLog.Saved kernelLog = kernelLogSink.save();
            StateSupport support = StateSupport.of(vm);
            List<Integer> msrs = kvm.snapshotMsrs();
            List<VcpuState> states = pauseGate.onEachVcpu(v -> v.saveState(support, msrs), deadline);
            VmState vmState = vm.saveState(support);
            Uart16550.State console = com1.save();
            Uart16550.State agentPort = com2.uart().save();
            int cmosIndex = cmos.index();
            String partialLine;
            boolean endsInCr;
            synchronized (consoleLock) {
                partialLine = console().partialLine();
                endsInCr = lastConsoleByteWasCr;
            }
            // Copied while every vCPU is held: nothing else writes guest RAM (the device models
            // here are port I/O only, and KVM writes the kvmclock page only on entry to KVM_RUN).
            MemoryFile file = memory.copyToFile();
            Snapshot snapshot;
            try {
                snapshot = new Snapshot(config, memory.regions(), file, vmState, states, console, agentPort,
                        cmosIndex, partialLine, endsInCr, support, agentState, kernelLog);
            } catch (RuntimeException | Error e) {
                file.release();
                throw e;
            }
            end(GuestExit.of(GuestExit.Kind.STOPPED, "snapshotted: the source of a snapshot does not run again"));
            pauseGate.resume();
            // The source never runs again: its RAM's pages go back to the host now, not at close().
            memory.discard();
            return snapshot;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resumeAfterFailedSnapshot();
            throw new MachineException("interrupted while taking a snapshot", e);
        } catch (RuntimeException | Error e) {
            resumeAfterFailedSnapshot();
            throw e;
        }
    }

    /**
     * Brings the agent's channel to a quiet point with every vCPU held, and captures it: callers'
     * new requests wait, the writer's frame in progress is taken by COM2 (the guest need not run
     * for that unless COM2's input queue is full), and the reader has read and handled every byte
     * the guest sent (none can come while it is held).
     */
    private ChannelState quietAgent() throws InterruptedException {
        if (!client.freeze(AGENT_QUIET_TIMEOUT)) {
            throw new MachineException("cannot snapshot: the guest has not taken what the host sent its agent ("
                    + com2.uart().pendingInput() + " bytes wait in COM2's input queue, which is full, and more behind"
                    + " them); a snapshot now would cut a frame in two", null);
        }
        boolean idle = com2.awaitReaderIdle(AGENT_QUIET_TIMEOUT);
        ChannelState state;
        try {
            state = client.capture(); // refuses an ended channel, which is also why a reader stops reading
        } catch (IllegalStateException refused) {
            throw new MachineException("cannot snapshot: " + refused.getMessage(), refused);
        }
        if (!idle) {
            throw new MachineException("cannot snapshot: the reader of " + client + " did not read everything the"
                    + " guest sent within " + AGENT_QUIET_TIMEOUT.toMillis() + " ms", null);
        }
        return state;
    }

    private void resumeAfterFailedSnapshot() {
        if (client != null) {
            client.thaw();
        }
        pauseGate.resume();
        synchronized (lifecycle) {
            snapshotTaken = false;
        }
    }

    /**
     * Builds and starts a clone of a snapshot, see {@link Snapshot#restore()}, with {@code config}:
     * the snapshot's, or the snapshot's with the clone's own time limits.
     */
    static Machine restore(Snapshot snapshot, MachineConfig config) {
        long startedAt = System.nanoTime();
        Machine machine = new Machine(config, NO_RAW_OUTPUT, startedAt, snapshot.agentState(), snapshot.kernelLog());
        try {
            machine.buildClone(snapshot);
            return machine;
        } catch (RuntimeException | Error e) {
            try {
                machine.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw typed(snapshot.config(), e);
        }
    }

    /**
     * Like {@code build}, from a snapshot: a new VM whose RAM maps the snapshot's memory file
     * copy-on-write, whose interrupt controllers, PIT, kvmclock, devices and vCPUs get the saved
     * state, and whose vCPUs then run on from the snapshot's instant.
     */
    private void buildClone(Snapshot snapshot) {
        clonedFrom = snapshot.toString();
        openKvm();
        createVm();
        memory = GuestMemory.cloneOf(snapshot.memoryFile(), snapshot.regions());
        memory.register(vm);
        StateSupport support = StateSupport.of(vm);
        vm.restoreState(snapshot.vmState());
        PortBus bus = wireDevices();
        com1.restore(snapshot.com1());
        com2.uart().restore(snapshot.com2());
        cmos.restoreIndex(snapshot.cmosIndex());
        // The console continues the line the source was in the middle of, or its CR LF.
        for (byte b : snapshot.partialLine().getBytes(StandardCharsets.UTF_8)) {
            consoleByte(b & 0xFF);
        }
        synchronized (consoleLock) {
            finishingTerminator = snapshot.consoleEndsInCr();
        }
        restoreStates = snapshot.vcpus();
        restoreSupport = support;
        run(bus, null);
        if (client != null) {
            // Now, not earlier: COM2's input queue holds the snapshot's bytes, so the client's frames
            // follow them; and every vCPU has its LAPIC restored, so the interrupt COM2 raises when
            // the first new byte arrives (ISA IRQ 3, edge-triggered at the IOAPIC) reaches a CPU
            // instead of being lost, which would leave the guest's agent waiting for ever.
            client.start();
        }
    }

    /**
     * @return for a machine made by {@link Snapshot#restore()}, the snapshot it is a clone of, in
     *     words; empty for a machine that booted
     */
    public Optional<String> clonedFrom() {
        return Optional.ofNullable(clonedFrom);
    }

    /** Joins every vCPU thread within one {@link #JOIN_TIMEOUT}, all of them kicked together. */
    private void joinVcpus() {
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        List<Integer> stuck = new ArrayList<>();
        for (VcpuThread v : vcpus) {
            if (!v.join(deadline)) {
                stuck.add(v.index());
            }
        }
        if (!stuck.isEmpty()) {
            throw new MachineException("the threads of vCPUs " + stuck + " did not stop within " + JOIN_TIMEOUT
                    + "; guest memory left mapped rather than risk a crash", null);
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        MachineException failure = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new MachineException("releasing machine resources failed: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
