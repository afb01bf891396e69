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

    /** The most MSRs one {@code KVM_GET_MSRS} call reads (the kernel's MAX_IO_MSRS is 256). */
    private static final int MSR_CHUNK = 255;

    /**
     * Saves everything KVM holds about this vCPU, in the order Firecracker's {@code save_state}
     * found safe: {@code KVM_GET_MP_STATE} first (it lets the local APIC accept pending INIT/SIPI
     * events, which changes other state), then registers, special registers, XSAVE (or FPU), XCRs,
     * debug registers, LAPIC, TSC frequency, MSRs, and {@code KVM_GET_VCPU_EVENTS} last. Call on
     * the vCPU's thread while no vCPU of the VM runs (api.rst: {@code KVM_GET_VCPU_EVENTS} is not
     * stable while other vCPUs run), after a {@code KVM_RUN} that completed any pending I/O (see
     * {@link #run()}: a kicked run returns {@link VcpuExit#INTERRUPTED} only after completing it).
     *
     * @param support what the host offers
     * @param msrs the MSRs to save, from {@link Kvm#snapshotMsrs()}, in restore order
     * @return the state
     * @throws KvmException if an ioctl fails
     */
    public VcpuState saveState(StateSupport support, List<Integer> msrs) {
        int mp = support.mpState() ? getBytes(Ioctl.KVM_GET_MP_STATE, KvmStructs.MP_STATE_SIZE)
                .order(ByteOrder.nativeOrder()).getInt(0) : 0;
        byte[] regs = bytes(getBytes(Ioctl.KVM_GET_REGS, KvmStructs.REGS));
        byte[] sregs = bytes(getBytes(Ioctl.KVM_GET_SREGS, KvmStructs.SREGS));
        byte[] xsave = null;
        byte[] fpu = null;
        if (support.xsave2Bytes() > KvmStructs.XSAVE) {
            xsave = bytes(getBytes(Ioctl.KVM_GET_XSAVE2, support.xsave2Bytes()));
        } else if (support.xsave()) {
            xsave = bytes(getBytes(Ioctl.KVM_GET_XSAVE, KvmStructs.XSAVE));
        } else {
            fpu = bytes(getBytes(Ioctl.KVM_GET_FPU, KvmStructs.FPU));
        }
        byte[] xcrs = support.xcrs() ? bytes(getBytes(Ioctl.KVM_GET_XCRS, KvmStructs.XCRS)) : null;
        byte[] debug = support.debugRegs() ? bytes(getBytes(Ioctl.KVM_GET_DEBUGREGS, KvmStructs.DEBUGREGS)) : null;
        byte[] lapic = bytes(getBytes(Ioctl.KVM_GET_LAPIC, KvmStructs.LAPIC_STATE));
        int tscKhz = support.tscKhz() ? Math.max(0, fd.ioctl(Ioctl.KVM_GET_TSC_KHZ, 0)) : 0;
        List<Integer> saved = new java.util.ArrayList<>();
        List<Long> values = new java.util.ArrayList<>();
        List<Integer> refused = new java.util.ArrayList<>();
        getMsrs(msrs, saved, values, refused);
        byte[] events = support.vcpuEvents()
                ? bytes(getBytes(Ioctl.KVM_GET_VCPU_EVENTS, KvmStructs.VCPU_EVENTS)) : null;
        return new VcpuState(mp, regs, sregs, xsave, fpu, xcrs, debug, lapic, events,
                saved.stream().mapToInt(Integer::intValue).toArray(),
                values.stream().mapToLong(Long::longValue).toArray(),
                refused.stream().mapToInt(Integer::intValue).toArray(), tscKhz);
    }

    /**
     * Reads MSRs in chunks; an MSR that {@code KVM_GET_MSRS} refuses (it returns the count read
     * before it) is recorded in {@code refused} and skipped.
     */
    private void getMsrs(List<Integer> msrs, List<Integer> saved, List<Long> values, List<Integer> refused) {
        int at = 0;
        while (at < msrs.size()) {
            int n = Math.min(MSR_CHUNK, msrs.size() - at);
            ByteBuffer table = ByteBuffer.allocateDirect(KvmStructs.MSRS_HEADER + n * KvmStructs.MSR_ENTRY)
                    .order(ByteOrder.nativeOrder());
            table.putInt(0, n);
            for (int i = 0; i < n; i++) {
                table.putInt(KvmStructs.MSRS_HEADER + i * KvmStructs.MSR_ENTRY + KvmStructs.MSR_INDEX, msrs.get(at + i));
            }
            int read = fd.ioctl(Ioctl.KVM_GET_MSRS, table);
            if (read < 0 || read > n) {
                throw new KvmException("KVM_GET_MSRS read " + read + " of " + n + " MSRs");
            }
            for (int i = 0; i < read; i++) {
                int o = KvmStructs.MSRS_HEADER + i * KvmStructs.MSR_ENTRY;
                saved.add(table.getInt(o + KvmStructs.MSR_INDEX));
                values.add(table.getLong(o + KvmStructs.MSR_DATA));
            }
            if (read < n) {
                refused.add(msrs.get(at + read));
                at += read + 1;
            } else {
                at += n;
            }
        }
    }

    /**
     * Puts a saved state into this (new) vCPU, in the order Firecracker's {@code restore_state}
     * needs (after {@code KVM_SET_CPUID2}, which the caller did): MP state, registers, special
     * registers (which restore the APIC base, so before the LAPIC), XSAVE or FPU, XCRs, debug
     * registers, LAPIC (before the MSRs: the TSC-deadline MSR is accepted only with the LAPIC set
     * up), MSRs ({@code IA32_TSC_DEADLINE} last, after {@code IA32_TSC}), and vCPU events last
     * ({@code KVM_SET_REGS} clears pending exceptions, which they bring back). Then
     * {@code KVM_KVMCLOCK_CTRL}, best effort (EINVAL when the guest has no kvmclock), so the guest
     * does not report the pause as a soft lockup.
     *
     * @param state a state saved on this host
     * @param support what this host offers
     * @throws KvmException if an ioctl fails, or KVM refuses an MSR
     * @throws IllegalArgumentException if the state needs a part this host does not support
     */
    public void restoreState(VcpuState state, StateSupport support) {
        if ((state.xsave != null && !support.xsave()) || (state.xcrs != null && !support.xcrs())
                || (state.debugRegs != null && !support.debugRegs()) || (state.events != null && !support.vcpuEvents())
                || (state.xsave != null && state.xsave.length > KvmStructs.XSAVE && state.xsave.length > support.xsave2Bytes())) {
            throw new IllegalArgumentException("vCPU " + id + ": the snapshot has state this host cannot set ("
                    + support.missing() + ")");
        }
        if (support.mpState()) {
            ByteBuffer mp = ByteBuffer.allocateDirect(KvmStructs.MP_STATE_SIZE).order(ByteOrder.nativeOrder());
            mp.putInt(0, state.mpState);
            fd.ioctl(Ioctl.KVM_SET_MP_STATE, mp);
        }
        fd.ioctl(Ioctl.KVM_SET_REGS, direct(state.regs));
        fd.ioctl(Ioctl.KVM_SET_SREGS, direct(state.sregs));
        if (state.xsave != null) {
            // KVM_SET_XSAVE reads as many bytes as this VM's XSAVE size (KVM_CAP_XSAVE2, at least
            // 4 KiB), whatever the request number says: the buffer is at least that long, zero-padded.
            ByteBuffer xsave = ByteBuffer.allocateDirect(Math.max(state.xsave.length,
                    Math.max(KvmStructs.XSAVE, support.xsave2Bytes()))).order(ByteOrder.nativeOrder());
            xsave.put(0, state.xsave);
            fd.ioctl(Ioctl.KVM_SET_XSAVE, xsave);
        } else {
            fd.ioctl(Ioctl.KVM_SET_FPU, direct(state.fpu));
        }
        if (state.xcrs != null) {
            fd.ioctl(Ioctl.KVM_SET_XCRS, direct(state.xcrs));
        }
        if (state.debugRegs != null) {
            fd.ioctl(Ioctl.KVM_SET_DEBUGREGS, direct(state.debugRegs));
        }
        fd.ioctl(Ioctl.KVM_SET_LAPIC, direct(state.lapic));
        if (state.msrIndices.length > 0) {
            Map<Integer, Long> msrs = new java.util.LinkedHashMap<>();
            for (int i = 0; i < state.msrIndices.length; i++) {
                msrs.put(state.msrIndices[i], state.msrValues[i]);
            }
            setMsrs(msrs);
        }
        if (state.events != null) {
            fd.ioctl(Ioctl.KVM_SET_VCPU_EVENTS, direct(state.events));
        }
        if (support.kvmclockCtrl()) {
            try {
                fd.ioctl(Ioctl.KVM_KVMCLOCK_CTRL, 0);
            } catch (KvmException e) {
                // EINVAL: the guest has not enabled kvmclock (api.rst, KVM_KVMCLOCK_CTRL); nothing to tell it.
            }
        }
    }

    private ByteBuffer getBytes(Ioctl request, int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        // SAFETY: b holds `size` bytes, at least the size the request number encodes (for
        // KVM_GET_XSAVE2, the size KVM_CAP_XSAVE2 reported, which is what KVM writes).
        fd.ioctl(request, b);
        return b;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.capacity()];
        b.get(0, out);
        return out;
    }

    private static ByteBuffer direct(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
        b.put(0, bytes);
        return b;
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
