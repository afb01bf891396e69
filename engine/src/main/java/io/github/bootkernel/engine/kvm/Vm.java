package io.github.bootkernel.engine.kvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A VM file descriptor: memory slots, the in-kernel interrupt controllers and timer, vCPUs. */
public final class Vm extends Fd {

    private static final int PIT_SPEAKER_DUMMY = 1;

    private final int vcpuMmapSize;
    private final Struct irqLevel = new Struct(KvmStructs.IRQ_LEVEL) { };
    private volatile CoalescedRing coalescedRing;

    Vm(int fd, int vcpuMmapSize) {
        super(fd, "VM fd " + fd);
        this.vcpuMmapSize = vcpuMmapSize;
    }

    /**
     * {@code KVM_SET_USER_MEMORY_REGION}: maps host memory into guest physical address space.
     *
     * @param slot the slot number
     * @param guestPhysAddr guest physical base, page aligned
     * @param memory the host mapping backing it
     * @param offset offset in the mapping where the slot starts
     * @param size bytes, page aligned
     */
    public void setUserMemoryRegion(int slot, long guestPhysAddr, Mapping memory, long offset, long size) {
        if (offset < 0 || size <= 0 || offset > memory.length() - size) {
            throw new IllegalArgumentException("memory slot " + slot + " outside its host mapping");
        }
        if (memory.isClosed()) {
            throw new IllegalStateException("memory slot " + slot + ": its host mapping is already unmapped");
        }
        Struct region = new Struct(KvmStructs.MEMORY_REGION) { };
        region.u32(KvmStructs.MEMORY_REGION_SLOT, slot);
        region.u32(KvmStructs.MEMORY_REGION_FLAGS, 0);
        region.u64(KvmStructs.MEMORY_REGION_GUEST_PHYS_ADDR, guestPhysAddr);
        region.u64(KvmStructs.MEMORY_REGION_MEMORY_SIZE, size);
        // SAFETY: the host range [address + offset, + size) is inside a live mapping (checked
        // above) that outlives the VM: the machine unmaps it only after closing this fd.
        region.u64(KvmStructs.MEMORY_REGION_USERSPACE_ADDR, memory.address() + offset);
        ioctl(Ioctl.KVM_SET_USER_MEMORY_REGION, region);
    }

    /**
     * {@code KVM_SET_TSS_ADDR}: three pages of guest physical space Intel VT-x needs for real mode.
     *
     * @param address a guest physical address outside RAM and MMIO
     */
    public void setTssAddr(long address) {
        ioctl(Ioctl.KVM_SET_TSS_ADDR, address);
    }

    /**
     * {@code KVM_SET_IDENTITY_MAP_ADDR}: one page VT-x uses for its real-mode identity page table.
     *
     * @param address a guest physical address outside RAM and MMIO
     */
    public void setIdentityMapAddr(long address) {
        ByteBuffer arg = ByteBuffer.allocateDirect(Long.BYTES).order(ByteOrder.nativeOrder());
        arg.putLong(0, address);
        ioctl(Ioctl.KVM_SET_IDENTITY_MAP_ADDR, arg);
    }

    /** {@code KVM_CREATE_IRQCHIP}: in-kernel PIC pair, IOAPIC and per-vCPU local APICs. */
    public void createIrqchip() {
        ioctl(Ioctl.KVM_CREATE_IRQCHIP, 0);
    }

    /** {@code KVM_CREATE_PIT2}: in-kernel i8254 timer, with a dummy speaker port. */
    public void createPit2() {
        Struct config = new Struct(KvmStructs.PIT_CONFIG) { };
        config.u32(0, PIT_SPEAKER_DUMMY);
        ioctl(Ioctl.KVM_CREATE_PIT2, config);
    }

    /**
     * {@code KVM_REGISTER_COALESCED_MMIO} with {@code pio = 1}: from now on KVM records the guest's
     * port writes to {@code [port, port + size)} in the coalesced ring instead of exiting (reads
     * still exit). Needs {@link Capability#COALESCED_PIO}.
     *
     * @param port the first port
     * @param size how many ports, 1 or more, within the 64 KiB port space
     * @throws IllegalArgumentException if the range is not inside the port space
     */
    public void registerCoalescedPio(int port, int size) {
        if (port < 0 || size < 1 || port > 0x10000 - size) {
            throw new IllegalArgumentException("coalesced port range " + port + " +" + size + " outside 0..0xffff");
        }
        Struct zone = new Struct(KvmStructs.COALESCED_MMIO_ZONE) { };
        zone.u64(KvmStructs.COALESCED_MMIO_ZONE_ADDR, port);
        zone.u32(KvmStructs.COALESCED_MMIO_ZONE_SIZE, size);
        zone.u32(KvmStructs.COALESCED_MMIO_ZONE_PIO, 1);
        ioctl(Ioctl.KVM_REGISTER_COALESCED_MMIO, zone);
    }

    /**
     * Drains the coalesced ring {@linkplain #attach(CoalescedRing) attached} to this VM, if any: the
     * vCPU threads call it after every {@code KVM_RUN}, before handling the exit, and once more
     * after their last run, so every recorded write reaches its device before anything that
     * follows it.
     */
    public void drainCoalesced() {
        CoalescedRing ring = coalescedRing;
        if (ring != null) {
            ring.drain();
        }
    }

    /**
     * Makes {@link #drainCoalesced()} drain {@code ring}; attach it before registering a zone.
     *
     * @param ring the VM's ring
     */
    public void attach(CoalescedRing ring) {
        coalescedRing = ring;
    }

    /**
     * {@code KVM_IRQ_LINE}: drives a GSI of the in-kernel PIC and IOAPIC.
     *
     * @param irq the interrupt line
     * @param level true to assert, false to deassert
     */
    public synchronized void irqLine(int irq, boolean level) {
        irqLevel.u32(KvmStructs.IRQ_LEVEL_IRQ, irq);
        irqLevel.u32(KvmStructs.IRQ_LEVEL_LEVEL, level ? 1 : 0);
        ioctl(Ioctl.KVM_IRQ_LINE, irqLevel);
    }

    /**
     * {@code KVM_CHECK_EXTENSION} on the VM's fd (api.rst 4.4: the answer may depend on the VM).
     *
     * @param capability the capability
     * @return 0 if unsupported, otherwise a positive, capability-specific value
     */
    public int checkExtension(Capability capability) {
        return ioctl(Ioctl.KVM_CHECK_EXTENSION, capability.number());
    }

    /**
     * Saves the in-kernel PIC pair and IOAPIC, the PIT and the kvmclock, as Firecracker's
     * {@code save_state} does. Call while no vCPU runs.
     *
     * @param support what the host offers ({@code KVM_GET_PIT2} needs {@code KVM_CAP_PIT_STATE2},
     *     {@code KVM_GET_CLOCK} {@code KVM_CAP_ADJUST_CLOCK})
     * @return the state
     * @throws KvmException if an ioctl fails
     */
    public VmState saveState(StateSupport support) {
        byte[][] chips = new byte[3][];
        for (int chip = 0; chip < 3; chip++) {
            ByteBuffer b = ByteBuffer.allocateDirect(KvmStructs.IRQCHIP).order(ByteOrder.nativeOrder());
            b.putInt(0, chip);
            ioctl(Ioctl.KVM_GET_IRQCHIP, b);
            chips[chip] = new byte[KvmStructs.IRQCHIP];
            b.get(0, chips[chip]);
        }
        byte[] pit = null;
        if (support.pitState2()) {
            ByteBuffer b = ByteBuffer.allocateDirect(KvmStructs.PIT_STATE2).order(ByteOrder.nativeOrder());
            ioctl(Ioctl.KVM_GET_PIT2, b);
            pit = new byte[KvmStructs.PIT_STATE2];
            b.get(0, pit);
        }
        byte[] clock = null;
        if (support.adjustClock() > 0) {
            ByteBuffer b = ByteBuffer.allocateDirect(KvmStructs.CLOCK_DATA).order(ByteOrder.nativeOrder());
            ioctl(Ioctl.KVM_GET_CLOCK, b);
            clock = new byte[KvmStructs.CLOCK_DATA];
            b.get(0, clock);
        }
        return new VmState(chips, pit, clock);
    }

    /**
     * Puts a saved state into this new VM (after {@link #createIrqchip()} and {@link #createPit2()},
     * before its vCPUs run): the PIT, the kvmclock, then the three interrupt controllers.
     *
     * <p>The kvmclock is set to the saved value with no flags ({@code KVM_SET_CLOCK}, api.rst
     * 4.73), as Firecracker does by default: the guest's monotonic clock continues from the
     * snapshot's instant, never backwards, and does not jump by the time the snapshot waited
     * (which would make the guest's watchdogs report a stall). The guest's wall clock is as stale
     * as that; a clone that needs today's date is told it by the host.
     *
     * @param state a state saved on this host
     * @throws KvmException if an ioctl fails
     */
    public void restoreState(VmState state) {
        if (state.pit2 != null) {
            ioctl(Ioctl.KVM_SET_PIT2, direct(state.pit2));
        }
        if (state.clock != null) {
            ByteBuffer clock = direct(state.clock);
            clock.putInt(KvmStructs.CLOCK_DATA_FLAGS, 0);
            ioctl(Ioctl.KVM_SET_CLOCK, clock);
        }
        for (byte[] chip : state.irqchips) {
            ioctl(Ioctl.KVM_SET_IRQCHIP, direct(chip));
        }
    }

    private static ByteBuffer direct(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
        b.put(0, bytes);
        return b;
    }

    /**
     * {@code KVM_CREATE_VCPU} and the mapping of its {@code kvm_run} structure.
     *
     * @param id the vCPU id (its APIC id)
     * @return the new vCPU, owned by the caller
     */
    public Vcpu createVcpu(int id) {
        int vcpuFd = ioctl(Ioctl.KVM_CREATE_VCPU, id);
        Fd fd = new Fd(vcpuFd, "vCPU " + id + " fd " + vcpuFd);
        Mapping runPage = null;
        try {
            runPage = Mapping.shared(fd, vcpuMmapSize, "kvm_run of vCPU " + id);
            return new Vcpu(fd, runPage, id);
        } catch (RuntimeException e) {
            if (runPage != null) {
                runPage.close();
            }
            fd.close();
            throw e;
        }
    }
}
