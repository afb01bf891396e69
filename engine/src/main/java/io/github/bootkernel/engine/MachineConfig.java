package io.github.bootkernel.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What to boot and how: kernel, optional initrd, command line, memory, optional time limit and
 * silence time.
 * Build with {@link #builder(Path)}.
 *
 * @param kernel the bzImage
 * @param initrd the initrd or initramfs, if any
 * @param cmdline the complete kernel command line
 * @param memoryMiB guest RAM in MiB
 * @param timeout when set, the machine stops itself with {@link GuestExit.Kind#TIMEOUT} after it
 * @param kvmDevice the KVM device node, normally {@code /dev/kvm}
 * @param agent whether the guest runs {@code bootkernel-agent} on its second serial port (ttyS1),
 *     as the busybox image built with {@code BusyboxInitramfs.withAgent()} does; without it,
 *     {@link Machine#agent()} refuses every request at once
 * @param silenceTimeout when set, the machine stops itself with {@link GuestExit.Kind#SILENT} once
 *     the guest has written nothing to its console for this long (counted from the start until
 *     the first byte); off by default. A guest that is quiet on purpose (a shell waiting for
 *     input, a long command that prints nothing) is silent too: choose the time accordingly
 * @param readyLine a regular expression ({@link java.util.regex.Pattern}, found anywhere in a
 *     line) for the line that says the guest is ready, such as {@code init: ready}: the first
 *     console line it matches is the {@link BootPhases#readyLine()} phase. It is matched on the
 *     vCPU thread against each line until it first matches, so keep it simple (a literal, an
 *     anchored pattern); empty for none
 * @param kernelLog whether, with {@code agent}, the agent streams the kernel's log
 *     ({@link Machine#kernelLog()}); on by default. It costs the channel the log's bytes, sent
 *     after everything else the agent has to send; without the agent it means nothing
 * @param cpus how many vCPUs the guest has, {@value #MIN_CPUS} to {@value #MAX_CPUS}: the MP table
 *     and the ACPI MADT list them with APIC ids 0 to {@code cpus - 1}, CPUID describes one package
 *     of {@code cpus} cores; vCPU 0 boots the kernel, the others wait for its INIT and start-up
 *     IPIs. Default {@value #DEFAULT_CPUS}
 */
public record MachineConfig(Path kernel, Optional<Path> initrd, String cmdline, int memoryMiB,
                            Optional<Duration> timeout, Path kvmDevice, boolean agent,
                            Optional<Duration> silenceTimeout, Optional<String> readyLine, boolean kernelLog,
                            int cpus) {

    /** The usual KVM device node. */
    public static final Path DEFAULT_KVM_DEVICE = Path.of("/dev/kvm");

    /** Default guest memory. */
    public static final int DEFAULT_MEMORY_MIB = 256;
    /** Smallest guest memory accepted. */
    public static final int MIN_MEMORY_MIB = 16;
    /** Largest guest memory accepted. */
    public static final int MAX_MEMORY_MIB = 64 * 1024;
    /** Default number of vCPUs. */
    public static final int DEFAULT_CPUS = 1;
    /** Fewest vCPUs accepted. */
    public static final int MIN_CPUS = 1;
    /**
     * Most vCPUs accepted: their APIC ids and the IOAPIC's stay below 255, the xAPIC broadcast id,
     * so no guest needs x2APIC to reach them; the host's KVM may allow fewer
     * ({@code KVM_CAP_MAX_VCPUS}), which {@link Machine#start} checks.
     */
    public static final int MAX_CPUS = 64;
    /**
     * The command line every boot starts from, chosen for tests: console on the serial port, a
     * reboot through the keyboard controller, reboot at once on panic, and the i8042 flags that
     * skip probing a keyboard and mouse that do not exist.
     */
    public static final String DEFAULT_CMDLINE =
            "console=ttyS0 reboot=k panic=-1 i8042.noaux i8042.nomux i8042.dumbkbd";

    /** Validates the fields. */
    public MachineConfig {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(cmdline, "cmdline");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(kvmDevice, "kvmDevice");
        Objects.requireNonNull(silenceTimeout, "silenceTimeout");
        Objects.requireNonNull(readyLine, "readyLine");
        readyLine.ifPresent(Pattern::compile); // a PatternSyntaxException is an IllegalArgumentException
        if (memoryMiB < MIN_MEMORY_MIB || memoryMiB > MAX_MEMORY_MIB) {
            throw new IllegalArgumentException("memory must be between " + MIN_MEMORY_MIB + " and "
                    + MAX_MEMORY_MIB + " MiB, got " + memoryMiB);
        }
        requireCpus(cpus);
        requirePositive("timeout", timeout);
        requirePositive("silenceTimeout", silenceTimeout);
    }

    /**
     * A configuration with one vCPU, as before {@code cpus} was a component.
     *
     * @param kernel the bzImage
     * @param initrd the initrd, if any
     * @param cmdline the complete command line
     * @param memoryMiB guest RAM in MiB
     * @param timeout the time limit, if any
     * @param kvmDevice the KVM device node
     * @param agent whether the guest runs the agent
     * @param silenceTimeout the silence time, if any
     * @param readyLine the ready line's regular expression, if any
     * @param kernelLog whether the agent streams the kernel log
     * @throws IllegalArgumentException as the canonical constructor
     */
    public MachineConfig(Path kernel, Optional<Path> initrd, String cmdline, int memoryMiB, Optional<Duration> timeout,
                         Path kvmDevice, boolean agent, Optional<Duration> silenceTimeout, Optional<String> readyLine,
                         boolean kernelLog) {
        this(kernel, initrd, cmdline, memoryMiB, timeout, kvmDevice, agent, silenceTimeout, readyLine, kernelLog,
                DEFAULT_CPUS);
    }

    /**
     * A configuration with the kernel log on, as before {@code kernelLog} was a component.
     *
     * @param kernel the bzImage
     * @param initrd the initrd, if any
     * @param cmdline the complete command line
     * @param memoryMiB guest RAM in MiB
     * @param timeout the time limit, if any
     * @param kvmDevice the KVM device node
     * @param agent whether the guest runs the agent
     * @param silenceTimeout the silence time, if any
     * @param readyLine the ready line's regular expression, if any
     * @throws IllegalArgumentException as the canonical constructor
     */
    public MachineConfig(Path kernel, Optional<Path> initrd, String cmdline, int memoryMiB, Optional<Duration> timeout,
                         Path kvmDevice, boolean agent, Optional<Duration> silenceTimeout, Optional<String> readyLine) {
        this(kernel, initrd, cmdline, memoryMiB, timeout, kvmDevice, agent, silenceTimeout, readyLine, true,
                DEFAULT_CPUS);
    }

    /**
     * Checks a vCPU count against what a machine takes, as {@link #cpus()} must be.
     *
     * @param cpus the count
     * @return {@code cpus}
     * @throws IllegalArgumentException naming the range and the count when it lies outside
     *     {@value #MIN_CPUS} to {@value #MAX_CPUS}
     */
    public static int requireCpus(int cpus) {
        if (cpus < MIN_CPUS || cpus > MAX_CPUS) {
            throw new IllegalArgumentException("cpus must be between " + MIN_CPUS + " and " + MAX_CPUS + ", got " + cpus);
        }
        return cpus;
    }

    private static void requirePositive(String name, Optional<Duration> value) {
        value.ifPresent(t -> {
            if (t.isNegative() || t.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + t);
            }
        });
    }

    /**
     * Starts a configuration with the default command line and memory.
     *
     * @param kernel the bzImage to boot
     * @return a builder
     */
    public static Builder builder(Path kernel) {
        return new Builder(kernel);
    }

    /** Builds a {@link MachineConfig}. */
    public static final class Builder {
        private final Path kernel;
        private Path initrd;
        private String cmdline = DEFAULT_CMDLINE;
        private int memoryMiB = DEFAULT_MEMORY_MIB;
        private int cpus = DEFAULT_CPUS;
        private Duration timeout;
        private Path kvmDevice = DEFAULT_KVM_DEVICE;
        private boolean agent;
        private Duration silenceTimeout;
        private String readyLine;
        private boolean kernelLog = true;

        private Builder(Path kernel) {
            this.kernel = Objects.requireNonNull(kernel, "kernel");
        }

        /**
         * @param value the initrd, or null for none
         * @return this
         */
        public Builder initrd(Path value) {
            this.initrd = value;
            return this;
        }

        /**
         * Appends words to the command line (after the defaults, so they win where the kernel
         * takes the last value).
         *
         * @param extra words to append; blank adds nothing
         * @return this
         */
        public Builder appendCmdline(String extra) {
            if (extra != null && !extra.isBlank()) {
                cmdline = cmdline.isEmpty() ? extra.strip() : cmdline + " " + extra.strip();
            }
            return this;
        }

        /**
         * Replaces the whole command line, defaults included.
         *
         * @param value the command line
         * @return this
         */
        public Builder cmdline(String value) {
            this.cmdline = Objects.requireNonNull(value, "cmdline");
            return this;
        }

        /**
         * @param value guest RAM in MiB
         * @return this
         */
        public Builder memoryMiB(int value) {
            this.memoryMiB = value;
            return this;
        }

        /**
         * @param value how many vCPUs, {@value MachineConfig#MIN_CPUS} to {@value MachineConfig#MAX_CPUS}
         *     (see {@link MachineConfig#cpus()})
         * @return this
         */
        public Builder cpus(int value) {
            this.cpus = value;
            return this;
        }

        /**
         * @param value the time limit, or null for none
         * @return this
         */
        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        /**
         * @param value the KVM device node to open instead of {@code /dev/kvm}
         * @return this
         */
        public Builder kvmDevice(Path value) {
            this.kvmDevice = Objects.requireNonNull(value, "kvmDevice");
            return this;
        }

        /**
         * Says whether the guest runs {@code bootkernel-agent} on ttyS1, so {@link Machine#agent()}
         * waits for it to connect instead of refusing requests.
         *
         * @param value true for an image that starts the agent
         * @return this
         */
        public Builder agent(boolean value) {
            this.agent = value;
            return this;
        }

        /**
         * Sets the silence watchdog: the guest ends as {@link GuestExit.Kind#SILENT} once its
         * console has been quiet for this long.
         *
         * @param value the silence time, or null for none (the default)
         * @return this
         */
        public Builder silenceTimeout(Duration value) {
            this.silenceTimeout = value;
            return this;
        }

        /**
         * @param regex the ready line's regular expression (see {@link MachineConfig#readyLine()}),
         *     or null for none (the default)
         * @return this
         */
        public Builder readyLine(String regex) {
            this.readyLine = regex;
            return this;
        }

        /**
         * Says whether the agent streams the kernel's log ({@link Machine#kernelLog()}), with
         * {@link #agent(boolean)}; on by default.
         *
         * @param value false to leave the kernel log out of the agent's channel
         * @return this
         */
        public Builder kernelLog(boolean value) {
            this.kernelLog = value;
            return this;
        }

        /** @return the validated configuration */
        public MachineConfig build() {
            return new MachineConfig(kernel, Optional.ofNullable(initrd), cmdline, memoryMiB,
                    Optional.ofNullable(timeout), kvmDevice, agent, Optional.ofNullable(silenceTimeout),
                    Optional.ofNullable(readyLine), kernelLog, cpus);
        }
    }
}
