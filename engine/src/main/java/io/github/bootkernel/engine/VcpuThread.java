package io.github.bootkernel.engine;

import io.github.bootkernel.engine.boot.BootCpu;
import io.github.bootkernel.engine.boot.Cpuid;
import io.github.bootkernel.engine.boot.LoadPlan;
import io.github.bootkernel.engine.devices.PortBus;
import io.github.bootkernel.engine.kvm.Capability;
import io.github.bootkernel.engine.kvm.Kvm;
import io.github.bootkernel.engine.kvm.MpState;
import io.github.bootkernel.engine.kvm.Regs;
import io.github.bootkernel.engine.kvm.Vcpu;
import io.github.bootkernel.engine.kvm.VcpuExit;
import io.github.bootkernel.engine.kvm.Vm;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The platform thread that creates, sets up and runs vCPU 0: {@code KVM_RUN} (which decodes the
 * exit), then the {@link ExitHandler} decides, until the guest ends. Set-up failures are reported
 * back to the starting thread by {@link #start()}; {@link #kick()}, {@link #inspect()} and
 * {@link #join} work from any thread.
 */
final class VcpuThread implements AutoCloseable {

    /** Looks at the vCPU's state between runs, when asked to by {@link #inspect()}. */
    @FunctionalInterface
    interface Inspector {
        /**
         * @param state {@code KVM_GET_MP_STATE}
         * @param rflags the vCPU's RFLAGS
         * @return how the guest ended, if its state says it has
         */
        Optional<GuestExit> inspect(MpState state, long rflags);
    }

    private static final System.Logger LOG = System.getLogger(VcpuThread.class.getName());

    private final Kvm kvm;
    private final Vm vm;
    private final ExitHandler handler;
    private final LoadPlan plan;
    private final CompletableFuture<GuestExit> exit;
    private final Consumer<GuestExit> end;
    private final Inspector inspector;
    private final AtomicBoolean inspectionAsked = new AtomicBoolean();
    private final Runnable stopped;
    private final Runnable entering;
    private final Thread thread;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile Vcpu vcpu;
    private volatile long exits;

    /**
     * @param end called with the guest's end when the vCPU finds it (a crash, a monitor failure)
     * @param inspector looks at the vCPU's state on this thread when {@link #inspect()} asks
     * @param stopped called on this thread once it stopped running the guest (after {@code end},
     *     nothing more of the guest runs): the machine ends the console then
     * @param entering called on this thread once the vCPU is set up, right before it first enters
     *     the guest
     */
    VcpuThread(Kvm kvm, Vm vm, PortBus bus, LoadPlan plan, CompletableFuture<GuestExit> exit,
               Consumer<GuestExit> end, Inspector inspector, Runnable stopped, Runnable entering) {
        this.kvm = kvm;
        this.vm = vm;
        this.handler = new ExitHandler(bus, msg -> LOG.log(System.Logger.Level.DEBUG, msg), this::registers);
        this.plan = plan;
        this.exit = exit;
        this.end = end;
        this.inspector = inspector;
        this.stopped = stopped;
        this.entering = entering;
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

    /**
     * Asks the vCPU thread to hand the vCPU's state to the inspector at its next return from
     * {@code KVM_RUN}, and kicks it there. Any thread.
     */
    void inspect() {
        inspectionAsked.set(true);
        kick();
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
            v.setCpuid(Cpuid.forVcpu(kvm.supportedCpuid(), 0, Platform.CPUS,
                    kvm.checkExtension(Capability.TSC_DEADLINE_TIMER) > 0));
            enterAt32BitEntry(v);
            v.bindToCurrentThread();
        } catch (RuntimeException | Error e) {
            ready.completeExceptionally(e);
            return;
        }
        entering.run();
        ready.complete(null);
        try {
            loop(v);
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "vCPU failed", e);
            end.accept(GuestExit.of(GuestExit.Kind.VMM_ERROR, e + "\n" + registers()));
        } finally {
            v.unbindThread();
            stopped.run();
        }
    }

    private void loop(Vcpu v) {
        while (!exit.isDone()) {
            VcpuExit e = v.run();
            exits++;
            handler.handle(e).ifPresent(end);
            if (inspectionAsked.getAndSet(false) && !exit.isDone()) {
                inspector.inspect(v.getMpState(), v.getRegs().get(Regs.Reg.RFLAGS)).ifPresent(end);
            }
        }
    }

    /** The vCPU's registers for a crash report; called on the vCPU thread only. */
    private String registers() {
        Vcpu v = vcpu;
        try {
            return RegisterDump.of(v.getRegs(), v.getSregs());
        } catch (RuntimeException e) {
            return "(registers unavailable: " + e.getMessage() + ")";
        }
    }

    /**
     * Sets the vCPU up for the kernel's 32-bit entry as {@link BootCpu} describes it: FPU, MSRs,
     * the local APIC in virtual-wire mode, special and general registers.
     */
    private void enterAt32BitEntry(Vcpu v) {
        v.setFpu(BootCpu.fpu());
        v.setMsrs(BootCpu.msrs());
        v.setLapic(BootCpu.virtualWire(v.getLapic()));
        v.setSregs(BootCpu.protectedMode(v.getSregs()));
        v.setRegs(BootCpu.entryRegs(plan.kernelAddress(), plan.zeroPage()));
    }
}
