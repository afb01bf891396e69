package io.github.bootkernel.engine;

import io.github.bootkernel.engine.boot.BootCpu;
import io.github.bootkernel.engine.boot.Cpuid;
import io.github.bootkernel.engine.boot.LoadPlan;
import io.github.bootkernel.engine.devices.PortBus;
import io.github.bootkernel.engine.kvm.CpuidEntry;
import io.github.bootkernel.engine.kvm.MpState;
import io.github.bootkernel.engine.kvm.Regs;
import io.github.bootkernel.engine.kvm.StateSupport;
import io.github.bootkernel.engine.kvm.Vcpu;
import io.github.bootkernel.engine.kvm.VcpuExit;
import io.github.bootkernel.engine.kvm.VcpuState;
import io.github.bootkernel.engine.kvm.Vm;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The platform thread that creates, sets up and runs one vCPU: {@code KVM_RUN} (which decodes the
 * exit), then the {@link ExitHandler} decides, until the guest ends. vCPU 0, the bootstrap
 * processor, is set up for the kernel's 32-bit entry; the others (application processors) only
 * get their CPUID, MSRs, FPU and local APIC and wait in the in-kernel local APIC
 * ({@code KVM_MP_STATE_UNINITIALIZED}) for the INIT and start-up IPIs the kernel sends them.
 * Set-up failures are reported back to the starting thread by {@link #start()}; no vCPU enters
 * the guest before {@code go} completes, so the machine creates them all first.
 * {@link #kick()}, {@link #inspect()} and {@link #join} work from any thread.
 */
final class VcpuThread implements AutoCloseable {

    /** Looks at the vCPU's state between runs, when asked to by {@link #inspect()}. */
    @FunctionalInterface
    interface Inspector {
        /**
         * @param index the vCPU's index (its APIC id)
         * @param state {@code KVM_GET_MP_STATE}
         * @param rflags the vCPU's RFLAGS
         * @return how the guest ended, if the machine's state says it has
         */
        Optional<GuestExit> inspect(int index, MpState state, long rflags);
    }

    private static final System.Logger LOG = System.getLogger(VcpuThread.class.getName());

    private final int index;
    private final int count;
    private final List<CpuidEntry> supportedCpuid;
    private final boolean tscDeadline;
    /** Which vCPU this is, in a crash's words ({@code "vCPU 2"}); empty on a machine with one. */
    private final String where;
    private final Vm vm;
    private final ExitHandler handler;
    private final LoadPlan plan;
    private final CompletableFuture<GuestExit> exit;
    private final CompletableFuture<Void> go;
    private final Consumer<GuestExit> end;
    private final Inspector inspector;
    private final AtomicBoolean inspectionAsked = new AtomicBoolean();
    private final Runnable stopped;
    private final Runnable entering;
    private final Thread thread;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile Vcpu vcpu;
    private volatile long exits;
    /** Set before {@link #start()} by a machine that can be paused; null otherwise. */
    private PauseGate pauseGate;
    /** Set before {@link #start()} for a clone: the state this vCPU starts from instead of a boot. */
    private VcpuState restoreFrom;
    private StateSupport restoreSupport;

    /**
     * @param index the vCPU's index and APIC id, 0 to {@code count - 1}; 0 boots the kernel
     * @param count how many vCPUs the machine has, for CPUID's topology
     * @param supportedCpuid {@code KVM_GET_SUPPORTED_CPUID}
     * @param tscDeadline whether KVM emulates the TSC-deadline timer
     * @param go completes when every vCPU is set up: only then does this one enter the guest
     * @param end called with the guest's end when the vCPU finds it (a crash, a monitor failure)
     * @param inspector looks at the vCPU's state on this thread when {@link #inspect()} asks
     * @param stopped called on this thread once it stopped running the guest (after {@code end},
     *     nothing more of the guest runs here)
     * @param entering called on this thread once the vCPU is set up and {@code go} completed,
     *     right before it first enters the guest
     */
    VcpuThread(int index, int count, List<CpuidEntry> supportedCpuid, boolean tscDeadline, Vm vm, PortBus bus,
               LoadPlan plan, CompletableFuture<GuestExit> exit, CompletableFuture<Void> go, Consumer<GuestExit> end,
               Inspector inspector, Runnable stopped, Runnable entering) {
        this.index = index;
        this.count = count;
        this.supportedCpuid = supportedCpuid;
        this.tscDeadline = tscDeadline;
        this.where = count > 1 ? "vCPU " + index : "";
        this.vm = vm;
        this.handler = new ExitHandler(bus, msg -> LOG.log(System.Logger.Level.DEBUG, msg), this::registers, where);
        this.plan = plan;
        this.exit = exit;
        this.go = go;
        this.end = end;
        this.inspector = inspector;
        this.stopped = stopped;
        this.entering = entering;
        this.thread = new Thread(this::main, "bootkernel-vcpu-" + index);
        this.thread.setDaemon(true);
    }

    /**
     * Lets {@code gate} hold this vCPU between runs (see {@link PauseGate}). Call before {@link #start()}.
     *
     * @param gate the machine's pause gate
     */
    void pauseWith(PauseGate gate) {
        this.pauseGate = gate;
    }

    /**
     * Makes this vCPU start from a snapshot's state instead of the boot's (after its CPUID).
     * Call before {@link #start()}.
     *
     * @param state the saved state
     * @param support what this host offers
     */
    void restoreFrom(VcpuState state, StateSupport support) {
        this.restoreFrom = state;
        this.restoreSupport = support;
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

    /** @return the vCPU's index, its APIC id */
    int index() {
        return index;
    }

    boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    /** @return the vCPU, once {@link #start()} returned */
    Vcpu vcpu() {
        return vcpu;
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

    /**
     * Waits for the thread to end, kicking the vCPU out of {@code KVM_RUN} every 100 ms.
     *
     * @param deadline {@link System#nanoTime()} by which to give up
     * @return whether the thread ended
     */
    boolean join(long deadline) {
        boolean interrupted = false;
        while (thread.isAlive() && deadline - System.nanoTime() > 0) {
            kick();
            try {
                thread.join(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
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
            v = vm.createVcpu(index);
            vcpu = v;
            v.setCpuid(Cpuid.forVcpu(supportedCpuid, index, count, tscDeadline));
            if (restoreFrom != null) {
                v.restoreState(restoreFrom, restoreSupport);
            } else {
                setUpCpuState(v);
                if (index == 0) {
                    enterAt32BitEntry(v);
                }
            }
            v.bindToCurrentThread();
        } catch (RuntimeException | Error e) {
            ready.completeExceptionally(e);
            return;
        }
        ready.complete(null);
        try {
            go.join(); // the machine completes it once every vCPU is set up, or when it closes
            if (!exit.isDone()) {
                entering.run();
            }
            loop(v);
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "vCPU " + index + " failed", e);
            end.accept(GuestExit.of(GuestExit.Kind.VMM_ERROR, e + (where.isEmpty() ? "" : " on " + where) + "\n"
                    + registers()));
        } finally {
            v.unbindThread();
            drainLastWrites();
            stopped.run();
        }
    }

    private void loop(Vcpu v) {
        while (!exit.isDone()) {
            VcpuExit e = v.run();
            exits++;
            vm.drainCoalesced(); // port writes KVM recorded happened before this exit
            handler.handle(e).ifPresent(end);
            if (pauseGate != null && pauseGate.mustHold(e instanceof VcpuExit.Interrupted, v)) {
                pauseGate.hold(index, v, exit::isDone);
            }
            if (inspectionAsked.getAndSet(false) && !exit.isDone()) {
                inspector.inspect(index, v.getMpState(), v.getRegs().get(Regs.Reg.RFLAGS)).ifPresent(end);
            }
        }
    }

    /** Hands the port writes KVM recorded before this vCPU's last exit to their devices. */
    private void drainLastWrites() {
        try {
            vm.drainCoalesced();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "vCPU " + index + ": draining the coalesced I/O ring failed", e);
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
     * Sets every vCPU up as Firecracker and kvmtool do: FPU, MSRs and the local APIC's LINT pins
     * ({@link BootCpu}). An application processor's registers stay as KVM reset them: the start-up
     * IPI replaces them (Intel SDM vol. 3A, 9.4 "Multiple-Processor (MP) Initialization").
     */
    private static void setUpCpuState(Vcpu v) {
        v.setFpu(BootCpu.fpu());
        v.setMsrs(BootCpu.msrs());
        v.setLapic(BootCpu.virtualWire(v.getLapic()));
    }

    /**
     * Puts vCPU 0 at the kernel's 32-bit entry as {@link BootCpu} describes it: special and general
     * registers.
     */
    private void enterAt32BitEntry(Vcpu v) {
        v.setSregs(BootCpu.protectedMode(v.getSregs()));
        v.setRegs(BootCpu.entryRegs(plan.kernelAddress(), plan.zeroPage()));
    }
}
