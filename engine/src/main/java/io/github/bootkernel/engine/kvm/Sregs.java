package io.github.bootkernel.engine.kvm;

/** {@code struct kvm_sregs}: segment registers, descriptor tables and control registers. */
public final class Sregs extends Struct {

    /** The segment registers in {@code struct kvm_sregs} order. */
    public enum Seg {
        /** Code segment. */ CS, /** Data segment. */ DS, /** Extra segment. */ ES,
        /** FS. */ FS, /** GS. */ GS, /** Stack segment. */ SS,
        /** Task register. */ TR, /** Local descriptor table. */ LDT;

        int offset() {
            return ordinal() * KvmStructs.SEGMENT;
        }
    }

    /** Creates an all-zero set; normally filled by {@code KVM_GET_SREGS} first. */
    public Sregs() {
        super(KvmStructs.SREGS);
    }

    /**
     * Reads a segment register.
     *
     * @param seg which one
     * @return its state
     */
    public Segment segment(Seg seg) {
        int o = seg.offset();
        return new Segment(u64(o + KvmStructs.SEGMENT_BASE), u32(o + KvmStructs.SEGMENT_LIMIT),
                u16(o + KvmStructs.SEGMENT_SELECTOR), u8(o + KvmStructs.SEGMENT_TYPE),
                u8(o + KvmStructs.SEGMENT_PRESENT) != 0, u8(o + KvmStructs.SEGMENT_DPL),
                u8(o + KvmStructs.SEGMENT_DB) != 0, u8(o + KvmStructs.SEGMENT_S) != 0,
                u8(o + KvmStructs.SEGMENT_L) != 0, u8(o + KvmStructs.SEGMENT_G) != 0,
                u8(o + KvmStructs.SEGMENT_AVL) != 0, u8(o + KvmStructs.SEGMENT_UNUSABLE) != 0);
    }

    /**
     * Writes a segment register.
     *
     * @param seg which one
     * @param value its new state
     * @return this
     */
    public Sregs segment(Seg seg, Segment value) {
        int o = seg.offset();
        u64(o + KvmStructs.SEGMENT_BASE, value.base());
        u32(o + KvmStructs.SEGMENT_LIMIT, value.limit());
        u16(o + KvmStructs.SEGMENT_SELECTOR, value.selector());
        u8(o + KvmStructs.SEGMENT_TYPE, value.type());
        u8(o + KvmStructs.SEGMENT_PRESENT, value.present() ? 1 : 0);
        u8(o + KvmStructs.SEGMENT_DPL, value.dpl());
        u8(o + KvmStructs.SEGMENT_DB, value.db() ? 1 : 0);
        u8(o + KvmStructs.SEGMENT_S, value.s() ? 1 : 0);
        u8(o + KvmStructs.SEGMENT_L, value.l() ? 1 : 0);
        u8(o + KvmStructs.SEGMENT_G, value.g() ? 1 : 0);
        u8(o + KvmStructs.SEGMENT_AVL, value.avl() ? 1 : 0);
        u8(o + KvmStructs.SEGMENT_UNUSABLE, value.unusable() ? 1 : 0);
        return this;
    }

    /**
     * Sets the global descriptor table register.
     *
     * @param base linear address of the table
     * @param limit size in bytes minus one
     * @return this
     */
    public Sregs gdt(long base, int limit) {
        u64(KvmStructs.SREGS_GDT + KvmStructs.DTABLE_BASE, base);
        u16(KvmStructs.SREGS_GDT + KvmStructs.DTABLE_LIMIT, limit);
        return this;
    }

    /**
     * Sets the interrupt descriptor table register.
     *
     * @param base linear address of the table
     * @param limit size in bytes minus one
     * @return this
     */
    public Sregs idt(long base, int limit) {
        u64(KvmStructs.SREGS_IDT + KvmStructs.DTABLE_BASE, base);
        u16(KvmStructs.SREGS_IDT + KvmStructs.DTABLE_LIMIT, limit);
        return this;
    }

    /** @return CR0 */
    public long cr0() {
        return u64(KvmStructs.SREGS_CR0);
    }

    /**
     * @param value new CR0
     * @return this
     */
    public Sregs cr0(long value) {
        u64(KvmStructs.SREGS_CR0, value);
        return this;
    }

    /** @return CR3 */
    public long cr3() {
        return u64(KvmStructs.SREGS_CR3);
    }

    /**
     * @param value new CR3
     * @return this
     */
    public Sregs cr3(long value) {
        u64(KvmStructs.SREGS_CR3, value);
        return this;
    }

    /** @return CR4 */
    public long cr4() {
        return u64(KvmStructs.SREGS_CR4);
    }

    /**
     * @param value new CR4
     * @return this
     */
    public Sregs cr4(long value) {
        u64(KvmStructs.SREGS_CR4, value);
        return this;
    }

    /** @return EFER */
    public long efer() {
        return u64(KvmStructs.SREGS_EFER);
    }

    /**
     * @param value new EFER
     * @return this
     */
    public Sregs efer(long value) {
        u64(KvmStructs.SREGS_EFER, value);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Seg seg : Seg.values()) {
            Segment s = segment(seg);
            sb.append(String.format("%-3s sel=%04x base=%016x limit=%08x type=%x%n",
                    seg.name().toLowerCase(java.util.Locale.ROOT), s.selector(), s.base(), s.limit(), s.type()));
        }
        sb.append(String.format("cr0=%016x cr2=%016x cr3=%016x cr4=%016x efer=%016x",
                cr0(), u64(KvmStructs.SREGS_CR2), cr3(), cr4(), efer()));
        return sb.toString();
    }
}
