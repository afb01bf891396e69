package io.github.bootkernel.engine.kvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * A vCPU file descriptor and its {@code kvm_run} page, from which {@link #run()} decodes each exit
 * once into a {@link VcpuExit}.
 *
 * <p>Create, set up and run it on one thread. {@link #kick()} is the only method other threads
 * call: it makes a running or about-to-run {@code KVM_RUN} return promptly. It relies on a signal
 * that the vCPU thread keeps blocked (so it is never delivered to a handler and cannot hurt the
 * JVM) and that {@code KVM_SET_SIGNAL_MASK} unblocks only while the guest runs, the scheme
 * {@code Documentation/virt/kvm/api.rst} describes; {@code immediate_exit} covers the window
 * before {@code KVM_RUN} is entered.
 */
public final class Vcpu implements AutoCloseable {

    private static final int GLIBC_SIGSET_BYTES = 128;

    private final Fd fd;
    private final Mapping runMapping;
    private final KvmRun run;
    private final int id;
    private final Object threadLock = new Object();
    private long thread;
    private boolean threadLive;
    private final ByteBuffer kickSet;

    Vcpu(Fd fd, Mapping runMapping, int id) {
        this.fd = fd;
        this.runMapping = runMapping;
        this.run = new KvmRun(runMapping);
        this.id = id;
        this.kickSet = sigset(KickSignal.number());
    }

    /** @return the vCPU id */
    public int id() {
        return id;
    }

    /** @return the vCPU's file descriptor, for mappings of its other pages */
    Fd fd() {
        return fd;
    }

    /**
     * Binds the vCPU to the calling thread so {@link #kick()} can reach it: blocks the kick signal
     * in this thread and tells KVM to unblock it while the guest runs. Call once, on the thread
     * that will call {@link #run()}, before the first run.
     */
    public void bindToCurrentThread() {
        ByteBuffer old = ByteBuffer.allocateDirect(GLIBC_SIGSET_BYTES).order(ByteOrder.nativeOrder());
        int rc = Native.pthread_sigmask(Native.SIG_BLOCK, kickSet, old);
        if (rc != 0) {
            throw new KvmException("pthread_sigmask(SIG_BLOCK)", rc, null);
        }
        ByteBuffer mask = ByteBuffer.allocateDirect(KvmStructs.SIGNAL_MASK_HEADER + KvmStructs.KERNEL_SIGSET)
                .order(ByteOrder.nativeOrder());
        mask.putInt(0, KvmStructs.KERNEL_SIGSET);
        long running = old.getLong(0) & ~(1L << (KickSignal.number() - 1));
        mask.putLong(KvmStructs.SIGNAL_MASK_HEADER, running);
        fd.ioctl(Ioctl.KVM_SET_SIGNAL_MASK, mask);
        synchronized (threadLock) {
            thread = Native.pthread_self();
            threadLive = true;
        }
    }

    /**
     * Unbinds the calling thread; after this, {@link #kick()} no longer signals it. Call on the
     * vCPU thread before it ends (signalling an ended thread would be undefined behaviour).
     */
    public void unbindThread() {
        synchronized (threadLock) {
            threadLive = false;
        }
        drainKick();
    }

    /**
     * Makes the vCPU leave {@code KVM_RUN} soon: now if it is running, or at its next entry.
     * Safe from any thread, any number of times.
     */
    public void kick() {
        synchronized (threadLock) {
            // close() unmaps the run page while holding threadLock, so once this check passes the
            // page stays mapped until we return (and the Mapping would refuse, not crash, anyway).
            if (runMapping.isClosed()) {
                return;
            }
            run.requestImmediateExit();
            if (threadLive) {
                // SAFETY: threadLive is true only between bindToCurrentThread() and
                // unbindThread() on the vCPU thread, both under threadLock, so the pthread_t is
                // that of a live thread; the signal is blocked there, so it is never delivered.
                Native.pthread_kill(thread, KickSignal.number());
            }
        }
    }

    /**
     * {@code KVM_RUN}: first hands KVM the bytes the previous exit's handler filled in (an
     * {@code IN} or MMIO read), then runs the guest until an exit that needs the monitor.
     *
     * @return the exit, decoded; {@link VcpuExit#INTERRUPTED} when a kick (or another signal)
     *     interrupted the run
     * @throws KvmException if {@code KVM_RUN} fails or reports an impossible exit
     * @throws IllegalStateException if the vCPU is closed
     */
    public VcpuExit run() {
        if (fd.isClosed()) {
            throw new IllegalStateException("vCPU " + id + " is closed");
        }
        run.completePending();
        try {
            Native.ioctl(fd.fd(), Ioctl.KVM_RUN.number(), 0L);
        } catch (RuntimeException e) {
            if (!Native.isErrno(e)) {
                throw e;
            }
            int errno = Native.errno(e);
            Errno name = Errno.of(errno);
            if (name == Errno.EINTR || name == Errno.EAGAIN) {
                drainKick();
                synchronized (threadLock) {
                    run.clearImmediateExit();
                }
                return VcpuExit.INTERRUPTED;
            }
            throw new KvmException("ioctl(KVM_RUN) on " + fd.name(), errno, e);
        }
        return run.decode();
    }

    private void drainKick() {
        ByteBuffer zero = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        // Consumes a pending kick so the next KVM_RUN does not return at once; -1/EAGAIN when
        // none is pending.
        while (Native.sigtimedwait(kickSet, null, zero) > 0) {
            // drained one
        }
    }

    /** @return {@code KVM_GET_REGS} */
    public Regs getRegs() {
        Regs regs = new Regs();
        fd.ioctl(Ioctl.KVM_GET_REGS, regs);
        return regs;
    }

    /**
     * {@code KVM_GET_MP_STATE}: whether the vCPU runs, or halted and waits for an interrupt. Call
     * on the vCPU's thread between runs: the state of a vCPU inside {@code KVM_RUN} is not stable.
     *
     * @return the state
     */
    public MpState getMpState() {
        ByteBuffer state = ByteBuffer.allocateDirect(KvmStructs.MP_STATE).order(ByteOrder.nativeOrder());
        fd.ioctl(Ioctl.KVM_GET_MP_STATE, state);
        return MpState.of(state.getInt(0));
    }

    /** @param regs {@code KVM_SET_REGS} */
    public void setRegs(Regs regs) {
        fd.ioctl(Ioctl.KVM_SET_REGS, regs);
    }

    /** @return {@code KVM_GET_SREGS} */
    public Sregs getSregs() {
        Sregs sregs = new Sregs();
        fd.ioctl(Ioctl.KVM_GET_SREGS, sregs);
        return sregs;
    }

    /** @param sregs {@code KVM_SET_SREGS} */
    public void setSregs(Sregs sregs) {
        fd.ioctl(Ioctl.KVM_SET_SREGS, sregs);
    }

    /** @param fpu {@code KVM_SET_FPU} */
    public void setFpu(Fpu fpu) {
        fd.ioctl(Ioctl.KVM_SET_FPU, fpu);
    }

    /** @return {@code KVM_GET_LAPIC} */
    public LapicState getLapic() {
        LapicState lapic = new LapicState();
        fd.ioctl(Ioctl.KVM_GET_LAPIC, lapic);
        return lapic;
    }

    /** @param lapic {@code KVM_SET_LAPIC} */
    public void setLapic(LapicState lapic) {
        fd.ioctl(Ioctl.KVM_SET_LAPIC, lapic);
    }

    /** @param entries {@code KVM_SET_CPUID2} */
    public void setCpuid(List<CpuidEntry> entries) {
        fd.ioctl(Ioctl.KVM_SET_CPUID2, CpuidTable.of(entries));
    }

    /**
     * {@code KVM_SET_MSRS}, checking that every MSR was accepted.
     *
     * @param msrs MSR index to value, in the order to write them
     */
    public void setMsrs(Map<Integer, Long> msrs) {
        int written = fd.ioctl(Ioctl.KVM_SET_MSRS, new MsrTable(msrs));
        if (written != msrs.size()) {
            Integer failed = msrs.keySet().stream().skip(Math.max(0, written)).findFirst().orElse(-1);
            throw new KvmException("KVM_SET_MSRS wrote " + written + " of " + msrs.size()
                    + " MSRs; MSR 0x" + Integer.toHexString(failed) + " was refused");
        }
    }

    private static ByteBuffer sigset(int signal) {
        ByteBuffer set = ByteBuffer.allocateDirect(GLIBC_SIGSET_BYTES).order(ByteOrder.nativeOrder());
        set.putLong(0, 1L << (signal - 1));
        return set;
    }

    @Override
    public void close() {
        synchronized (threadLock) {
            threadLive = false;
            runMapping.close();
        }
        fd.close();
    }
}
