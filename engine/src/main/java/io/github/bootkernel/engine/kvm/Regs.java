package io.github.bootkernel.engine.kvm;

/** {@code struct kvm_regs}: the general-purpose registers, instruction pointer and flags. */
public final class Regs extends Struct {

    /** The registers in {@code struct kvm_regs} order, 8 bytes each. */
    public enum Reg {
        /** rax. */ RAX, /** rbx. */ RBX, /** rcx. */ RCX, /** rdx. */ RDX,
        /** rsi. */ RSI, /** rdi. */ RDI, /** rsp. */ RSP, /** rbp. */ RBP,
        /** r8. */ R8, /** r9. */ R9, /** r10. */ R10, /** r11. */ R11,
        /** r12. */ R12, /** r13. */ R13, /** r14. */ R14, /** r15. */ R15,
        /** rip. */ RIP, /** rflags. */ RFLAGS;

        int offset() {
            return ordinal() * Long.BYTES;
        }
    }

    /** Creates an all-zero register set. */
    public Regs() {
        super(KvmStructs.REGS);
    }

    /**
     * Reads a register.
     *
     * @param reg which register
     * @return its value
     */
    public long get(Reg reg) {
        return u64(reg.offset());
    }

    /**
     * Writes a register.
     *
     * @param reg which register
     * @param value its new value
     * @return this
     */
    public Regs set(Reg reg, long value) {
        u64(reg.offset(), value);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Reg reg : Reg.values()) {
            if (sb.length() > 0) {
                sb.append(reg.ordinal() % 6 == 0 ? "\n" : " ");
            }
            sb.append(String.format("%s=%016x", reg.name().toLowerCase(java.util.Locale.ROOT), get(reg)));
        }
        return sb.toString();
    }
}
