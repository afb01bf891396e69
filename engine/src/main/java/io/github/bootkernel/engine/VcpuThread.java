package io.github.bootkernel.engine;

import io.github.bootkernel.engine.boot.BootCpu;
import io.github.bootkernel.engine.boot.Cpuid;
import io.github.bootkernel.engine.boot.LoadPlan;
import io.github.bootkernel.engine.devices.PortBus;
import io.github.bootkernel.engine.kvm.Capability;
import io.github.bootkernel.engine.kvm.KvmRun;
import io.github.bootkernel.engine.kvm.Kvm;
import io.github.bootkernel.engine.kvm.Vcpu;
import io.github.bootkernel.engine.kvm.Vm;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * The platform thread that creates, sets up and runs vCPU 0: {@code KVM_RUN}, decode the exit,
 * dispatch port I/O to the bus, until the guest ends. Set-up failures are reported back to the
 * starting thread by {@link #start()}.
 */
final class VcpuThread implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(VcpuThread.class.getName());
    private static final int KVM_SYSTEM_EVENT_SHUTDOWN = 1;
    private static final int KVM_SYSTEM_EVENT_RESET = 2;
    private static final int KVM_SYSTEM_EVENT_CRASH = 3;

    private final Kvm kvm;
    private final Vm vm;
    private final PortBus bus;
    private final LoadPlan plan;
    private final CompletableFuture<GuestExit> exit;
    private final Consumer<GuestExit> end;
    private final Thread thread;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Set<Long> reportedMmio = new HashSet<>();
    private volatile Vcpu vcpu;
    private volatile long exits;

    VcpuThread(Kvm kvm, Vm vm, PortBus bus, LoadPlan plan, CompletableFuture<GuestExit> exit,
               Consumer<GuestExit> end) {
        this.kvm = kvm;
        this.vm = vm;
        this.bus = bus;
        this.plan = plan;
        this.exit = exit;
        this.end = end;
        this.thread = new Thread(this::main, "bootkernel-vcpu-0");
        this.thread.setDaemon(true);
    }

    /** Starts the thread and waits until the vCPU is set up, rethrowing a set-up failure. */
    void start() {
        thread.start();
        try {
            ready.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the vCPU was being set up", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    long exitCount() {
        return exits;
    }

    void kick() {
        Vcpu v = vcpu;
        if (v != null) {
            v.kick();
        }
    }

    boolean join(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        while (thread.isAlive() && System.nanoTime() < deadline) {
            kick();
            try {
                thread.join(100);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /** Closes the vCPU; only after {@link #join} returned true. */
    @Override
    public void close() {
        Vcpu v = vcpu;
        if (v != null) {
            v.close();
        }
    }

    private void main() {
        Vcpu v;
        try {
            v = vm.createVcpu(0);
            vcpu = v;
            v.setCpuid(Cpuid.forVcpu(kvm.supportedCpuid(), 0, 1,
                    kvm.checkExtension(Capability.TSC_DEADLINE_TIMER) > 0));
            BootCpu.configure(v, plan.kernelAddress(), plan.zeroPage());
            v.bindToCurrentThread();
        } catch (RuntimeException | Error e) {
            ready.completeExceptionally(e);
            return;
        }
        ready.complete(null);
        try {
            loop(v);
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "vCPU failed", e);
            end.accept(GuestExit.of(GuestExit.Kind.VMM_ERROR, e.toString() + dump(v)));
        } finally {
            v.unbindThread();
        }
    }

    private void loop(Vcpu v) {
        KvmRun run = v.runState();
        while (!exit.isDone()) {
            int reason = v.run();
            exits++;
            switch (reason) {
                case Vcpu.INTERRUPTED -> { }
                case KvmRun.EXIT_IO -> io(run);
                case KvmRun.EXIT_MMIO -> mmio(run);
                case KvmRun.EXIT_SHUTDOWN -> end.accept(GuestExit.of(GuestExit.Kind.TRIPLE_FAULT,
                        "KVM_EXIT_SHUTDOWN (triple fault)" + dump(v)));
                case KvmRun.EXIT_HLT -> end.accept(GuestExit.of(GuestExit.Kind.POWEROFF, "halted"));
                case KvmRun.EXIT_FAIL_ENTRY -> end.accept(GuestExit.of(GuestExit.Kind.FAIL_ENTRY, String.format(
                        "KVM_EXIT_FAIL_ENTRY, hardware_entry_failure_reason 0x%x", run.failEntryReason()) + dump(v)));
                case KvmRun.EXIT_INTERNAL_ERROR -> end.accept(GuestExit.of(GuestExit.Kind.INTERNAL_ERROR,
                        "KVM_EXIT_INTERNAL_ERROR, suberror " + run.internalSuberror() + ", data "
                                + hex(run.internalData()) + dump(v)));
                case KvmRun.EXIT_SYSTEM_EVENT -> systemEvent(run.systemEventType());
                default -> end.accept(GuestExit.of(GuestExit.Kind.VMM_ERROR,
                        "unexpected KVM exit reason " + reason + dump(v)));
            }
        }
    }

    private void io(KvmRun run) {
        int size = run.ioSize();
        int port = run.ioPort();
        int count = run.ioCount();
        boolean out = run.ioDirection() == KvmRun.IO_OUT;
        for (int i = 0; i < count; i++) {
            int base = i * size;
            if (out) {
                int value = 0;
                for (int b = 0; b < size; b++) {
                    value |= run.ioData(base + b) << (8 * b);
                }
                bus.write(port, size, value);
            } else {
                int value = bus.read(port, size);
                for (int b = 0; b < size; b++) {
                    run.ioData(base + b, (value >>> (8 * b)) & 0xff);
                }
            }
        }
    }

    private void mmio(KvmRun run) {
        // No MMIO devices are emulated in user space: reads return zeros, writes are dropped.
        if (!run.mmioIsWrite()) {
            run.clearMmioData();
        }
        long page = run.mmioAddress() & ~0xfffL;
        if (reportedMmio.size() < 64 && reportedMmio.add(page)) {
            LOG.log(System.Logger.Level.DEBUG, String.format("unhandled MMIO %s at 0x%x (reported once per page)",
                    run.mmioIsWrite() ? "write" : "read", run.mmioAddress()));
        }
    }

    private void systemEvent(int type) {
        switch (type) {
            case KVM_SYSTEM_EVENT_SHUTDOWN -> end.accept(GuestExit.of(GuestExit.Kind.POWEROFF, "KVM system event: shutdown"));
            case KVM_SYSTEM_EVENT_RESET -> end.accept(GuestExit.of(GuestExit.Kind.RESET, "KVM system event: reset"));
            case KVM_SYSTEM_EVENT_CRASH -> end.accept(GuestExit.of(GuestExit.Kind.PANIC, "KVM system event: crash"));
            default -> end.accept(GuestExit.of(GuestExit.Kind.VMM_ERROR, "unknown KVM system event " + type));
        }
    }

    private static String hex(long[] data) {
        StringBuilder sb = new StringBuilder("[");
        for (long d : data) {
            sb.append(sb.length() > 1 ? " " : "").append(String.format("0x%x", d));
        }
        return sb.append(']').toString();
    }

    private static String dump(Vcpu v) {
        try {
            return "\n" + v.getRegs() + "\n" + v.getSregs();
        } catch (RuntimeException e) {
            return "\n(registers unavailable: " + e.getMessage() + ")";
        }
    }
}
