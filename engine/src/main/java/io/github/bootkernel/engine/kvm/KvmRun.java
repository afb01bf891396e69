package io.github.bootkernel.engine.kvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The vCPU's shared {@code struct kvm_run} page: decodes each exit into a {@link VcpuExit} and
 * writes back the bytes an {@code IN} or MMIO read returns. Used by the vCPU thread, except
 * {@link #requestImmediateExit()}, which the kick calls from any thread.
 *
 * <p>Every access goes through the {@link Mapping}, which refuses it once the page is unmapped.
 * Offsets and lengths that KVM reports (and a guest influences: which port, how many repetitions)
 * are checked against the mapping before any byte is copied; a bad one is a
 * {@link KvmException}, which ends the guest as a monitor error.
 */
final class KvmRun {

    /** {@code KVM_EXIT_IO_IN}. */
    static final int IO_IN = 0;
    /** {@code KVM_EXIT_IO_OUT}. */
    static final int IO_OUT = 1;
    /** {@code internal.data} and {@code system_event.data} are {@code __u64 data[16]}. */
    private static final int MAX_WORDS = 16;
    private static final int MMIO_DATA_BYTES = 8;
    /**
     * The part of {@code kvm_run} every exit is decoded from: exit_reason, io, mmio, fail_entry,
     * and the union words an {@link VcpuExit.Unknown} carries.
     */
    private static final int COMMON_HEAD = Math.max(KvmStructs.RUN_MMIO_IS_WRITE + 1, Math.max(
            Math.max(KvmStructs.RUN_IO_DATA_OFFSET, KvmStructs.RUN_FAIL_ENTRY_REASON) + Long.BYTES,
            KvmStructs.RUN_UNION + VcpuExit.Unknown.UNION_WORDS * Long.BYTES));
    /** With the data words of internal errors and system events, read only for those (rare) exits. */
    private static final int HEAD = Math.max(KvmStructs.RUN_INTERNAL_DATA, KvmStructs.RUN_SYSTEM_EVENT_DATA)
            + MAX_WORDS * Long.BYTES;

    private final Mapping mapping;
    /** A heap copy of the head, taken once per exit; decoded from here, not from native memory. */
    private final ByteBuffer head = ByteBuffer.allocate(HEAD).order(ByteOrder.nativeOrder());
    /** Bytes the last exit's handler fills, to be copied to {@link #pendingOffset} before the next run. */
    private byte[] pending;
    private long pendingOffset;

    KvmRun(Mapping mapping) {
        if (mapping.length() < KvmStructs.RUN_SIZE) {
            throw new KvmException("the kvm_run mapping has " + mapping.length()
                    + " bytes, less than sizeof(struct kvm_run) = " + KvmStructs.RUN_SIZE);
        }
        this.mapping = mapping;
    }

    /** Sets {@code immediate_exit} so the next or current {@code KVM_RUN} returns at once. */
    void requestImmediateExit() {
        mapping.putByte(KvmStructs.RUN_IMMEDIATE_EXIT, (byte) 1);
    }

    /** Clears {@code immediate_exit}. */
    void clearImmediateExit() {
        mapping.putByte(KvmStructs.RUN_IMMEDIATE_EXIT, (byte) 0);
    }

    /**
     * Copies the bytes the last {@link VcpuExit.PortIn} or {@link VcpuExit.MmioRead} asked for
     * into {@code kvm_run}, where KVM picks them up on the next {@code KVM_RUN}. Call before every
     * run; does nothing when the last exit needs no reply.
     */
    void completePending() {
        if (pending != null) {
            // SAFETY: offset and length were checked against the mapping when the exit was
            // decoded (io()/mmio()); the mapping checks both again and that it is still open.
            mapping.write(pendingOffset, pending, 0, pending.length);
            pending = null;
        }
    }

    /**
     * Decodes the exit {@code KVM_RUN} just reported.
     *
     * @return the exit
     * @throws KvmException if KVM reported an offset, length, size or direction that is impossible
     */
    VcpuExit decode() {
        pending = null;
        // SAFETY: [0, COMMON_HEAD) lies inside the mapping: COMMON_HEAD < HEAD <= sizeof(struct
        // kvm_run), which the constructor checked the mapping holds.
        mapping.read(0, head.array(), 0, COMMON_HEAD);
        int reason = head.getInt(KvmStructs.RUN_EXIT_REASON);
        ExitReason known = ExitReason.of(reason);
        if (known == null) {
            return unknown(reason);
        }
        return switch (known) {
            case IO -> io();
            case MMIO -> mmio();
            case HLT -> VcpuExit.HALT;
            case SHUTDOWN -> VcpuExit.SHUTDOWN;
            case FAIL_ENTRY -> new VcpuExit.FailEntry(head.getLong(KvmStructs.RUN_FAIL_ENTRY_REASON),
                    head.getInt(KvmStructs.RUN_FAIL_ENTRY_CPU));
            case INTERNAL_ERROR -> new VcpuExit.InternalError(head.getInt(KvmStructs.RUN_INTERNAL_SUBERROR),
                    words(KvmStructs.RUN_INTERNAL_NDATA, KvmStructs.RUN_INTERNAL_DATA));
            case SYSTEM_EVENT -> new VcpuExit.SystemEvent(head.getInt(KvmStructs.RUN_SYSTEM_EVENT_TYPE),
                    words(KvmStructs.RUN_SYSTEM_EVENT_NDATA, KvmStructs.RUN_SYSTEM_EVENT_DATA));
            default -> unknown(reason);
        };
    }

    /** An exit this monitor does not decode, with the union words where KVM keeps its fields. */
    private VcpuExit unknown(int reason) {
        long[] union = new long[VcpuExit.Unknown.UNION_WORDS];
        for (int i = 0; i < union.length; i++) {
            union[i] = head.getLong(KvmStructs.RUN_UNION + Long.BYTES * i);
        }
        return new VcpuExit.Unknown(reason, union);
    }

    private VcpuExit io() {
        int direction = Byte.toUnsignedInt(head.get(KvmStructs.RUN_IO_DIRECTION));
        int size = Byte.toUnsignedInt(head.get(KvmStructs.RUN_IO_SIZE));
        int port = Short.toUnsignedInt(head.getShort(KvmStructs.RUN_IO_PORT));
        long count = Integer.toUnsignedLong(head.getInt(KvmStructs.RUN_IO_COUNT));
        long dataOffset = head.getLong(KvmStructs.RUN_IO_DATA_OFFSET);
        if (size != 1 && size != 2 && size != 4) {
            throw new KvmException("kvm_run io.size is " + size + ", not 1, 2 or 4");
        }
        long bytes = size * count; // at most 4 * (2^32 - 1): no overflow in a long
        // SAFETY: the data area [io.data_offset, + io.size * io.count) must lie inside the mapping
        // before a byte of it is copied; data_offset is a __u64, so one above 2^63 is negative
        // here and refused too. Then bytes < mapping length, so the array below is small.
        if (dataOffset < 0 || bytes > mapping.length() - dataOffset) {
            throw new KvmException(String.format("kvm_run io.data_offset 0x%x + io.size * io.count (%d * %d)"
                    + " lies outside the %d-byte kvm_run mapping", dataOffset, size, count, mapping.length()));
        }
        byte[] data = new byte[(int) bytes];
        if (direction == IO_OUT) {
            mapping.read(dataOffset, data, 0, data.length);
            return new VcpuExit.PortOut(port, size, (int) count, data);
        }
        if (direction == IO_IN) {
            pending = data;
            pendingOffset = dataOffset;
            return new VcpuExit.PortIn(port, size, (int) count, data);
        }
        throw new KvmException("kvm_run io.direction is " + direction
                + ", neither KVM_EXIT_IO_IN (0) nor KVM_EXIT_IO_OUT (1)");
    }

    private VcpuExit mmio() {
        long address = head.getLong(KvmStructs.RUN_MMIO_PHYS_ADDR);
        long length = Integer.toUnsignedLong(head.getInt(KvmStructs.RUN_MMIO_LEN));
        // SAFETY: mmio.data is a fixed __u8 data[8] inside the head copy; a longer len would
        // read or write past it, so it is refused.
        if (length > MMIO_DATA_BYTES) {
            throw new KvmException("kvm_run mmio.len is " + length + ", more than the 8 bytes of mmio.data");
        }
        byte[] data = new byte[(int) length];
        if (head.get(KvmStructs.RUN_MMIO_IS_WRITE) != 0) {
            head.get(KvmStructs.RUN_MMIO_DATA, data);
            return new VcpuExit.MmioWrite(address, data);
        }
        pending = data;
        pendingOffset = KvmStructs.RUN_MMIO_DATA;
        return new VcpuExit.MmioRead(address, data);
    }

    /**
     * {@code data[0..ndata)} of the internal-error or system-event union member.
     *
     * <p>SAFETY: {@code data} is a fixed {@code __u64 data[16]} inside the head copy, so
     * {@code ndata} is clamped to [0, 16]: a larger count cannot make us read past it.
     */
    private long[] words(int ndataOffset, int dataOffset) {
        // SAFETY: [COMMON_HEAD, HEAD) lies inside the mapping, as in decode().
        mapping.read(COMMON_HEAD, head.array(), COMMON_HEAD, HEAD - COMMON_HEAD);
        int n = Math.max(0, Math.min(MAX_WORDS, head.getInt(ndataOffset)));
        long[] words = new long[n];
        for (int i = 0; i < n; i++) {
            words[i] = head.getLong(dataOffset + Long.BYTES * i);
        }
        return words;
    }
}
