package io.github.bootkernel.engine.kvm;

/**
 * A segment register's hidden state, {@code struct kvm_segment}.
 *
 * @param base linear base address
 * @param limit limit in bytes (already scaled by granularity)
 * @param selector the visible selector
 * @param type the 4-bit descriptor type (e.g. 0xb execute/read accessed, 0x3 read/write accessed)
 * @param present present bit
 * @param dpl descriptor privilege level
 * @param db default operation size (1 = 32-bit)
 * @param s descriptor type: 1 = code or data, 0 = system
 * @param l 64-bit code segment
 * @param g granularity (1 = 4 KiB units)
 * @param avl available-for-software bit
 * @param unusable marks a null/unusable segment
 */
public record Segment(long base, int limit, int selector, int type, boolean present, int dpl,
                      boolean db, boolean s, boolean l, boolean g, boolean avl, boolean unusable) {

    /**
     * A flat 4 GiB code or data segment for 32-bit protected mode.
     *
     * @param selector the selector, pointing at a matching GDT entry
     * @param type descriptor type: 0xb for code (execute/read, accessed), 0x3 for data
     * @return the segment
     */
    public static Segment flat32(int selector, int type) {
        return new Segment(0, 0xffffffff, selector, type, true, 0, true, true, false, true, false, false);
    }

    /**
     * Encodes this segment as the 8-byte GDT descriptor the CPU would load it from.
     *
     * @return the descriptor
     */
    public long descriptor() {
        long lim = g ? (Integer.toUnsignedLong(limit) >>> 12) : Integer.toUnsignedLong(limit);
        long d = lim & 0xffffL;
        d |= (base & 0xffffffL) << 16;
        d |= (long) (type & 0xf) << 40;
        d |= (s ? 1L : 0L) << 44;
        d |= (long) (dpl & 3) << 45;
        d |= (present ? 1L : 0L) << 47;
        d |= ((lim >>> 16) & 0xfL) << 48;
        d |= (avl ? 1L : 0L) << 52;
        d |= (l ? 1L : 0L) << 53;
        d |= (db ? 1L : 0L) << 54;
        d |= (g ? 1L : 0L) << 55;
        d |= ((base >>> 24) & 0xffL) << 56;
        return d;
    }
}
