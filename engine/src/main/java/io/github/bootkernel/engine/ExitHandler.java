package io.github.bootkernel.engine;

import io.github.bootkernel.engine.devices.PortBus;
import io.github.bootkernel.engine.kvm.VcpuExit;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Decides what a decoded VM exit means, without KVM: port I/O goes to the bus, MMIO to the
 * (trivial) unbacked-memory handling, and every other exit either lets the guest continue or
 * becomes the {@link GuestExit} that ends it. Unit-tested with exits made up by hand.
 *
 * <p>Every exit the guest causes ends as the guest's fault: an exit nothing here expects (an
 * unknown or newer reason, {@code KVM_EXIT_EXCEPTION}, {@code KVM_EXIT_DEBUG}, an unknown system
 * event) is {@link GuestExit.Kind#UNHANDLED_EXIT}, a guest crash with the hardware's reason. A
 * monitor error ({@link GuestExit.Kind#VMM_ERROR}) is left to failures of the monitor itself,
 * which reach the vCPU thread as exceptions ({@code KVM_RUN} failing, an impossible
 * {@code kvm_run} record, a device model throwing).
 *
 * <p>Each vCPU has its own, called on its thread only. Devices that end the guest themselves (the exit-status port,
 * the i8042 reset) do so through their own callbacks; here port I/O always continues.
 */
final class ExitHandler {

    /** How many distinct MMIO pages are reported before the rest go unreported. */
    private static final int MMIO_PAGES_REPORTED = 64;
    private static final long PAGE_MASK = ~0xfffL;
    private static final Optional<GuestExit> CONTINUE = Optional.empty();

    private final PortBus bus;
    private final Consumer<String> log;
    private final Supplier<String> registers;
    private final String where;
    private final Set<Long> reportedMmio = new HashSet<>();

    /**
     * @param bus where port I/O goes
     * @param log where "unhandled MMIO" notes go, once per page
     * @param registers the vCPU's registers, formatted, for a crash's detail
     * @param where which vCPU this handler serves ({@code "vCPU 2"}), said in a crash's first
     *     line after the hardware's reason; empty on a machine with one vCPU
     */
    ExitHandler(PortBus bus, Consumer<String> log, Supplier<String> registers, String where) {
        this.bus = bus;
        this.log = log;
        this.registers = registers;
        this.where = where;
    }

    /**
     * Handles one exit.
     *
     * @param exit the exit
     * @return empty to run the guest on, or how the guest ended
     */
    Optional<GuestExit> handle(VcpuExit exit) {
        // The most frequent exits first: serial console output and status reads.
        if (exit instanceof VcpuExit.PortOut out) {
            bus.out(out.port(), out.size(), out.count(), out.data());
            return CONTINUE;
        }
        if (exit instanceof VcpuExit.PortIn in) {
            bus.in(in.port(), in.size(), in.count(), in.data());
            return CONTINUE;
        }
        if (exit instanceof VcpuExit.Interrupted) {
            return CONTINUE;
        }
        if (exit instanceof VcpuExit.MmioRead read) {
            // No MMIO devices are emulated in user space: reads return zeros, writes are dropped.
            Arrays.fill(read.data(), (byte) 0);
            unhandledMmio("read", read.address());
            return CONTINUE;
        }
        if (exit instanceof VcpuExit.MmioWrite write) {
            unhandledMmio("write", write.address());
            return CONTINUE;
        }
        if (exit instanceof VcpuExit.Halt) {
            return end(GuestExit.Kind.POWEROFF, "halted");
        }
        if (exit instanceof VcpuExit.Shutdown) {
            return crash(GuestExit.Kind.TRIPLE_FAULT, "KVM_EXIT_SHUTDOWN (triple fault)");
        }
        if (exit instanceof VcpuExit.FailEntry fail) {
            return crash(GuestExit.Kind.FAIL_ENTRY, String.format(
                    "KVM_EXIT_FAIL_ENTRY, hardware_entry_failure_reason 0x%x, cpu %d", fail.hardwareReason(),
                    fail.cpu()));
        }
        if (exit instanceof VcpuExit.InternalError error) {
            return crash(GuestExit.Kind.INTERNAL_ERROR, "KVM_EXIT_INTERNAL_ERROR, suberror " + error.suberror()
                    + ", data " + error.dataHex());
        }
        if (exit instanceof VcpuExit.SystemEvent event) {
            return systemEvent(event);
        }
        if (exit instanceof VcpuExit.Unknown unknown) {
            // The guest caused it (the monitor asks for no such exit): a guest crash, not a monitor error.
            return crash(GuestExit.Kind.UNHANDLED_EXIT, "unexpected KVM exit reason " + unknown.describe()
                    + (unknown.fields().isEmpty() ? "" : ", " + unknown.fields()));
        }
        throw new IllegalArgumentException("no handling for " + exit); // unreachable: VcpuExit is sealed
    }

    private Optional<GuestExit> systemEvent(VcpuExit.SystemEvent event) {
        return switch (event.type()) {
            case VcpuExit.SystemEvent.SHUTDOWN -> end(GuestExit.Kind.POWEROFF, "KVM system event: shutdown");
            case VcpuExit.SystemEvent.RESET -> end(GuestExit.Kind.RESET, "KVM system event: reset");
            case VcpuExit.SystemEvent.CRASH -> end(GuestExit.Kind.PANIC, "KVM system event: crash");
            default -> end(GuestExit.Kind.UNHANDLED_EXIT, "unknown KVM system event " + event.describe()
                    + (event.data().length == 0 ? "" : ", data " + event.dataHex()));
        };
    }

    private void unhandledMmio(String what, long address) {
        if (reportedMmio.size() < MMIO_PAGES_REPORTED && reportedMmio.add(address & PAGE_MASK)) {
            log.accept(String.format("unhandled MMIO %s at 0x%x (reported once per page)", what, address));
        }
    }

    private static Optional<GuestExit> end(GuestExit.Kind kind, String detail) {
        return Optional.of(GuestExit.of(kind, detail));
    }

    private Optional<GuestExit> crash(GuestExit.Kind kind, String detail) {
        return end(kind, detail + (where.isEmpty() ? "" : " on " + where) + "\n" + registers.get());
    }
}
