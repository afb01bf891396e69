package io.github.bootkernel.engine;

import io.github.bootkernel.engine.agent.internal.ChannelState;
import io.github.bootkernel.engine.devices.Uart16550;
import io.github.bootkernel.engine.kmsg.internal.RecordLog;
import io.github.bootkernel.engine.kvm.MemoryFile;
import io.github.bootkernel.engine.kvm.StateSupport;
import io.github.bootkernel.engine.kvm.VcpuState;
import io.github.bootkernel.engine.kvm.VmState;
import io.github.bootkernel.engine.memory.GuestMemory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A paused machine's complete state, from {@link Machine#snapshot()}, in this JVM's memory: guest
 * RAM (copied once, at the snapshot, into a sealed memory file: only the pages the source held
 * that were not all zero), every vCPU's KVM state, the VM's interrupt
 * controllers, PIT and kvmclock, and the device models. {@link #restore()} makes a clone: a new,
 * independent {@link Machine} in a new VM that runs on from the snapshot's instant. Any number of
 * clones may run at once; each maps the RAM copy-on-write ({@code MAP_PRIVATE}), so a clone costs
 * the host only the pages it writes, and no clone sees another's writes.
 *
 * <p>What every clone shares with the others, besides the RAM's content: the guest's random state
 * (its entropy pool and any seeded generator; with the guest agent, the kernel's pool and CRNG
 * are reseeded and the wall clock set before the clone's first request, see {@link #restore()};
 * processes' own seeded state stays, see {@code docs/snapshots.md}), its kvmclock, which continues from the saved value
 * ({@code KVM_SET_CLOCK}, as Firecracker does by default: never backwards, and without a jump for
 * the time the snapshot waited), its TSC ({@code IA32_TSC} is restored), input queued for the guest
 * and not read, and the console's partial line, which each clone's console starts with. The
 * CMOS clock reads the host's time, so it is current in every clone.
 *
 * <p>{@link #save(Path)} writes a snapshot to a file, and {@link #load(Path, MachineConfig)}
 * reads it back, in another JVM on the same host and with the same build of the engine
 * ({@link #hostIdentity(Path)}), as a snapshot like this one.
 *
 * <p>{@link #close()} releases the snapshot's reference to the RAM; clones still running keep
 * theirs, and the RAM is freed when the last of them closes. Thread-safe.
 */
public final class Snapshot implements AutoCloseable {

    /**
     * The version of the snapshot file format that {@link #save} writes and {@link #load} reads;
     * raised whenever what a file holds changes.
     */
    public static final int FILE_FORMAT = 1;

    private static final AtomicInteger NUMBERS = new AtomicInteger();

    private final int number = NUMBERS.incrementAndGet();
    private final MachineConfig config;
    private final List<GuestMemory.Region> regions;
    private final MemoryFile memoryFile;
    private final VmState vmState;
    private final List<VcpuState> vcpus;
    private final Uart16550.State com1;
    private final Uart16550.State com2;
    private final int cmosIndex;
    private final String partialLine;
    private final boolean consoleEndsInCr;
    private final StateSupport support;
    /** The agent channel's state; null without the agent. */
    private final ChannelState agentState;
    private final RecordLog.Saved kernelLog;
    private boolean closed;
    private Path file;
    private Path loadedFrom;

    Snapshot(MachineConfig config, List<GuestMemory.Region> regions, MemoryFile memoryFile, VmState vmState,
             List<VcpuState> vcpus, Uart16550.State com1, Uart16550.State com2, int cmosIndex, String partialLine,
             boolean consoleEndsInCr, StateSupport support, ChannelState agentState, RecordLog.Saved kernelLog) {
        this.config = config;
        this.regions = List.copyOf(regions);
        this.memoryFile = memoryFile;
        this.vmState = vmState;
        this.vcpus = List.copyOf(vcpus);
        this.com1 = com1;
        this.com2 = com2;
        this.cmosIndex = cmosIndex;
        this.partialLine = partialLine;
        this.consoleEndsInCr = consoleEndsInCr;
        this.support = support;
        this.agentState = agentState;
        this.kernelLog = kernelLog;
    }

    /**
     * Starts a clone: a new VM with its own vCPU threads, devices and console, its RAM a
     * copy-on-write mapping of the snapshot's, running on from the snapshot's instant. Its console
     * starts with the line the source was in the middle of; its {@link Machine#bootPhases()} count
     * from this call; {@link Machine#clonedFrom()} names this snapshot.
     *
     * <p>With the guest agent, the clone's {@link Machine#agent()} continues the snapshot's session
     * with the agent, and its {@link Machine#kernelLog()} holds the snapshot's records and goes on
     * from the next one. Before any request of the clone's callers, the client sends the agent 64
     * bytes from the host's {@link java.security.SecureRandom} and the host's wall clock (RESEED,
     * {@code docs/guest-agent-protocol.md}): the agent adds them to the kernel's entropy pool
     * ({@code RNDADDENTROPY}, crediting them), reseeds the CRNG at once ({@code RNDRESEEDCRNG})
     * and sets {@code CLOCK_REALTIME}. The agent serves requests in order, so every command of
     * the clone runs after that. The callers' requests wait for the agent's answer; if it could
     * not reseed (or speaks protocol version 2, from an older image), every request to the
     * clone's agent fails with {@link AgentException.Reason#REQUEST_FAILED} naming the call and
     * errno, and a warning is logged: such a clone shares its random state with every other.
     * A clone without the agent is not reseeded (see {@code docs/snapshots.md}).
     *
     * @return the running clone, owned by the caller
     * @throws IllegalStateException after {@link #close()}
     * @throws KvmUnavailableException when KVM cannot be used on this host
     * @throws MachineException when KVM or the host refuses a step (for one, a state ioctl the
     *     snapshot needs and this host lacks)
     */
    public Machine restore() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(this + " is closed");
            }
        }
        return Machine.restore(this, config);
    }

    /**
     * Starts a clone as {@link #restore()} does, with its own lifetime limit and silence watchdog
     * instead of the source's: both count from this call. The clone's {@link Machine#config()} is
     * the snapshot's with these two replaced; nothing else the guest sees can change.
     *
     * @param timeout the clone's lifetime limit, or null for none
     * @param silenceTimeout the clone's silence watchdog, or null for none
     * @return the running clone, owned by the caller
     * @throws IllegalStateException after {@link #close()}
     * @throws KvmUnavailableException when KVM cannot be used on this host
     * @throws MachineException when KVM or the host refuses a step
     */
    public Machine restore(Duration timeout, Duration silenceTimeout) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(this + " is closed");
            }
        }
        MachineConfig own = new MachineConfig(config.kernel(), config.initrd(), config.cmdline(), config.memoryMiB(),
                Optional.ofNullable(timeout), config.kvmDevice(), config.agent(), Optional.ofNullable(silenceTimeout),
                config.readyLine(), config.kernelLog(), config.cpus());
        return Machine.restore(this, own);
    }

    /**
     * Writes this snapshot to a file, for {@link #load} in another JVM on this host: its state
     * (vCPUs, VM, devices, console, agent channel, kernel log, and {@link #hostIdentity} of this
     * host) and the RAM's pages that hold data, in format {@link #FILE_FORMAT} (described in
     * {@code docs/snapshots.md}, "Snapshot files"). The file appears whole or not at all: it is
     * written beside {@code file} under a temporary name, flushed to the disk and renamed over
     * {@code file}, so a reader never sees a partial file and a file a clone was loaded from is
     * never changed. Its permissions are read-only ({@code 0444}).
     *
     * @param file where to write; its directory must exist; an existing file there is replaced
     * @throws IllegalStateException after {@link #close()}
     * @throws SnapshotFileException with {@link SnapshotFileException.Reason#IO} if the host refuses
     *     a write; no file is left at {@code file} or under a temporary name then
     */
    public void save(Path file) {
        MemoryFile memory;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(this + " is closed");
            }
            memory = memoryFile.retain();
        }
        try {
            SnapshotFile.write(this, file);
        } finally {
            memory.release();
        }
    }

    /**
     * Reads a snapshot file that {@link #save} wrote, on this host, into a snapshot in this JVM's
     * memory: its RAM is copied once into a sealed memory file (the file's data pages only), so
     * the file may be replaced or deleted at once and its clones do not depend on it. The
     * snapshot's configuration is {@code config}, which must match the file's in everything the
     * guest saw (command line, memory, vCPUs, agent, kernel log, ready line; the command line is
     * the whole one, {@link MachineConfig#DEFAULT_CMDLINE} included if the source's had it); the kernel and
     * initramfs are not read again (their content is in the RAM), so the caller keys files by the
     * images' content if it needs that.
     *
     * @param file a file from {@link #save}
     * @param config the configuration the clones run with (their time limits are its own)
     * @return the snapshot, owned by the caller
     * @throws SnapshotFileException naming the file and why it cannot be used, with its
     *     {@link SnapshotFileException#reason()}: {@code MISSING}, {@code IO}, {@code CORRUPT},
     *     {@code FORMAT}, {@code OTHER_HOST} (checked against {@link #hostIdentity} of
     *     {@code config.kvmDevice()}), {@code OTHER_CONFIG}
     * @throws KvmUnavailableException when KVM cannot be used on this host
     */
    public static Snapshot load(Path file, MachineConfig config) {
        return SnapshotFile.read(file, config);
    }

    /**
     * What a snapshot file depends on in the host it is taken on: the kernel release, what its KVM
     * offers a guest and a snapshot (the CPUID a vCPU gets from {@code KVM_GET_SUPPORTED_CPUID},
     * the TSC-deadline timer, the MSRs saved, the state ioctls of {@link #unsupportedState()}), and
     * this build of the engine (the SHA-256 of its classes). A file is loaded only where this is
     * the same. The first call for a device in this JVM opens it and a VM for the questions, then
     * closes them; later calls give the same answer without asking again.
     *
     * @param kvmDevice the KVM device node, usually {@link MachineConfig#DEFAULT_KVM_DEVICE}
     * @return a short digest, 16 lower-case hex digits, for names of files
     * @throws KvmUnavailableException when KVM cannot be used on this host
     * @throws MachineException if an ioctl fails
     */
    public static String hostIdentity(Path kvmDevice) {
        return HostIdentity.of(kvmDevice).digest();
    }

    /** @return the file this snapshot was loaded from or last saved to, if any */
    public synchronized Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    synchronized void file(Path file) {
        this.file = file;
    }

    /** Marks this snapshot as read from {@code file}, which its {@link #toString()} then names. */
    synchronized void loaded(Path file) {
        this.file = file;
        this.loadedFrom = file;
    }

    /** @return what the host offered when the snapshot was taken */
    StateSupport support() {
        return support;
    }

    /** @return the configuration of the machine snapshotted, which every clone shares */
    public MachineConfig config() {
        return config;
    }

    /** @return the vCPUs' states, vCPU 0 first, for tests and diagnostics */
    List<VcpuState> vcpus() {
        return vcpus;
    }

    /** @return the VM's state */
    VmState vmState() {
        return vmState;
    }

    List<GuestMemory.Region> regions() {
        return regions;
    }

    /** The sealed copy of guest RAM, for a clone's mapping; GuestMemory.cloneOf refuses it once released. */
    MemoryFile memoryFile() {
        return memoryFile;
    }

    Uart16550.State com1() {
        return com1;
    }

    Uart16550.State com2() {
        return com2;
    }

    /** @return the agent channel's state, null without the agent */
    ChannelState agentState() {
        return agentState;
    }

    /** @return the kernel log at the snapshot */
    RecordLog.Saved kernelLog() {
        return kernelLog;
    }

    int cmosIndex() {
        return cmosIndex;
    }

    String partialLine() {
        return partialLine;
    }

    boolean consoleEndsInCr() {
        return consoleEndsInCr;
    }

    /** @return which optional KVM state ioctls the host lacked when the snapshot was taken, in words */
    public String unsupportedState() {
        return support.missing();
    }

    /** Releases the snapshot's reference to guest RAM; clones keep theirs. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        memoryFile.release();
    }

    private synchronized String loadedFromText() {
        return loadedFrom == null ? "" : ", loaded from " + loadedFrom;
    }

    @Override
    public String toString() {
        return "snapshot " + number + " of " + config.kernel().getFileName() + " (" + vcpus.size()
                + (vcpus.size() == 1 ? " vCPU, " : " vCPUs, ")
                + (memoryFile.length() >> 20) + " MiB" + loadedFromText() + ")";
    }
}
