package io.github.bootkernel.engine.kvm;

import java.nio.ByteBuffer;

/**
 * The vCPU's shared {@code struct kvm_run} page: why {@code KVM_RUN} returned and the data of the
 * exit. Read by the vCPU thread after each run; {@link #requestImmediateExit()} may be called from
 * any thread.
 */
public final class KvmRun {

    /** {@code KVM_EXIT_UNKNOWN}. */
    public static final int EXIT_UNKNOWN = 0;
    /** {@code KVM_EXIT_EXCEPTION}. */
    public static final int EXIT_EXCEPTION = 1;
    /** {@code KVM_EXIT_IO}: port I/O. */
    public static final int EXIT_IO = 2;
    /** {@code KVM_EXIT_DEBUG}. */
    public static final int EXIT_DEBUG = 4;
    /** {@code KVM_EXIT_HLT}: only seen without an in-kernel irqchip. */
    public static final int EXIT_HLT = 5;
    /** {@code KVM_EXIT_MMIO}: access to unbacked guest physical memory. */
    public static final int EXIT_MMIO = 6;
    /** {@code KVM_EXIT_SHUTDOWN}: triple fault. */
    public static final int EXIT_SHUTDOWN = 8;
    /** {@code KVM_EXIT_FAIL_ENTRY}: the hardware refused to enter the guest. */
    public static final int EXIT_FAIL_ENTRY = 9;
    /** {@code KVM_EXIT_INTR}: a signal interrupted the run. */
    public static final int EXIT_INTR = 10;
    /** {@code KVM_EXIT_INTERNAL_ERROR}: KVM could not emulate something. */
    public static final int EXIT_INTERNAL_ERROR = 17;
    /** {@code KVM_EXIT_SYSTEM_EVENT}: reset, shutdown or crash requested through a hypercall. */
    public static final int EXIT_SYSTEM_EVENT = 24;
    /** {@code KVM_EXIT_IO_IN}. */
    public static final int IO_IN = 0;
    /** {@code KVM_EXIT_IO_OUT}. */
    public static final int IO_OUT = 1;

    private final ByteBuffer run;
    private final int size;

    KvmRun(Mapping mapping) {
        this.size = (int) Math.min(mapping.length(), Integer.MAX_VALUE);
        // SAFETY: the mapping is the vCPU's kvm_run area of KVM_GET_VCPU_MMAP_SIZE bytes (checked
        // to be at least sizeof(struct kvm_run)); the vCPU unmaps it only when it closes.
        this.run = mapping.view(0, size);
    }

    /** @return {@code exit_reason} */
    public int exitReason() {
        return run.getInt(KvmStructs.RUN_EXIT_REASON);
    }

    /** Sets {@code immediate_exit} so the next or current {@code KVM_RUN} returns at once. */
    public void requestImmediateExit() {
        run.put(KvmStructs.RUN_IMMEDIATE_EXIT, (byte) 1);
    }

    /** Clears {@code immediate_exit}. */
    public void clearImmediateExit() {
        run.put(KvmStructs.RUN_IMMEDIATE_EXIT, (byte) 0);
    }

    /** @return {@code io.direction}: {@link #IO_IN} or {@link #IO_OUT} */
    public int ioDirection() {
        return Byte.toUnsignedInt(run.get(KvmStructs.RUN_IO_DIRECTION));
    }

    /** @return {@code io.size}: bytes per access, 1, 2 or 4 */
    public int ioSize() {
        return Byte.toUnsignedInt(run.get(KvmStructs.RUN_IO_SIZE));
    }

    /** @return {@code io.port} */
    public int ioPort() {
        return Short.toUnsignedInt(run.getShort(KvmStructs.RUN_IO_PORT));
    }

    /** @return {@code io.count}: repetitions (string I/O) */
    public int ioCount() {
        return run.getInt(KvmStructs.RUN_IO_COUNT);
    }

    /**
     * Reads one byte of the I/O data area.
     *
     * @param index byte index from {@code io.data_offset}
     * @return the byte
     */
    public int ioData(int index) {
        return Byte.toUnsignedInt(run.get(ioDataOffset(index)));
    }

    /**
     * Writes one byte of the I/O data area (the value an IN returns to the guest).
     *
     * @param index byte index from {@code io.data_offset}
     * @param value the byte
     */
    public void ioData(int index, int value) {
        run.put(ioDataOffset(index), (byte) value);
    }

    private int ioDataOffset(int index) {
        long offset = run.getLong(KvmStructs.RUN_IO_DATA_OFFSET) + index;
        if (offset < 0 || offset >= size) {
            throw new KvmException("kvm_run io.data_offset + " + index + " = " + offset
                    + " lies outside the " + size + "-byte kvm_run mapping");
        }
        return (int) offset;
    }

    /** @return {@code mmio.phys_addr} */
    public long mmioAddress() {
        return run.getLong(KvmStructs.RUN_MMIO_PHYS_ADDR);
    }

    /** @return {@code mmio.len} */
    public int mmioLength() {
        return run.getInt(KvmStructs.RUN_MMIO_LEN);
    }

    /** @return {@code mmio.is_write} */
    public boolean mmioIsWrite() {
        return run.get(KvmStructs.RUN_MMIO_IS_WRITE) != 0;
    }

    /** Zeroes {@code mmio.data}, so a read of unbacked memory returns zeros. */
    public void clearMmioData() {
        run.putLong(KvmStructs.RUN_MMIO_DATA, 0);
    }

    /** @return {@code fail_entry.hardware_entry_failure_reason} */
    public long failEntryReason() {
        return run.getLong(KvmStructs.RUN_FAIL_ENTRY_REASON);
    }

    /** @return {@code internal.suberror} */
    public int internalSuberror() {
        return run.getInt(KvmStructs.RUN_INTERNAL_SUBERROR);
    }

    /** @return {@code internal.data[0..ndata)}, at most 16 words */
    public long[] internalData() {
        int n = Math.max(0, Math.min(16, run.getInt(KvmStructs.RUN_INTERNAL_NDATA)));
        long[] data = new long[n];
        for (int i = 0; i < n; i++) {
            data[i] = run.getLong(KvmStructs.RUN_INTERNAL_DATA + 8 * i);
        }
        return data;
    }

    /** @return {@code system_event.type} */
    public int systemEventType() {
        return run.getInt(KvmStructs.RUN_SYSTEM_EVENT_TYPE);
    }
}
