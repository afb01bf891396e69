package io.github.bootkernel.engine.kvm;

import java.nio.ByteBuffer;

/**
 * Test helper for other packages: a read-only view of a struct's raw bytes, and the descriptor
 * table registers {@link Sregs} has no getters for.
 */
public final class StructBytes {

    private StructBytes() {
    }

    /**
     * @param sregs special registers
     * @return a read-only view of the {@code struct kvm_sregs} bytes
     */
    public static ByteBuffer of(Sregs sregs) {
        return view(sregs);
    }

    /**
     * @param regs general registers
     * @return a read-only view of the {@code struct kvm_regs} bytes
     */
    public static ByteBuffer of(Regs regs) {
        return view(regs);
    }

    /**
     * @param sregs special registers
     * @return {@code gdt.base}
     */
    public static long gdtBase(Sregs sregs) {
        return sregs.u64(KvmStructs.SREGS_GDT + KvmStructs.DTABLE_BASE);
    }

    /**
     * @param sregs special registers
     * @return {@code gdt.limit}
     */
    public static int gdtLimit(Sregs sregs) {
        return sregs.u16(KvmStructs.SREGS_GDT + KvmStructs.DTABLE_LIMIT);
    }

    /**
     * @param sregs special registers
     * @return {@code idt.base}
     */
    public static long idtBase(Sregs sregs) {
        return sregs.u64(KvmStructs.SREGS_IDT + KvmStructs.DTABLE_BASE);
    }

    /**
     * @param sregs special registers
     * @return {@code idt.limit}
     */
    public static int idtLimit(Sregs sregs) {
        return sregs.u16(KvmStructs.SREGS_IDT + KvmStructs.DTABLE_LIMIT);
    }

    /**
     * @param sregs special registers
     * @return {@code cr2}
     */
    public static long cr2(Sregs sregs) {
        return sregs.u64(KvmStructs.SREGS_CR2);
    }

    private static ByteBuffer view(Struct struct) {
        return struct.buffer.asReadOnlyBuffer().order(struct.buffer.order());
    }
}
