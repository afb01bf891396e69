package io.github.bootkernel.engine.kvm;

/** {@code struct kvm_fpu}: x87 and SSE state. */
public final class Fpu extends Struct {

    /** Creates an all-zero FPU state. */
    public Fpu() {
        super(KvmStructs.FPU);
    }

    /**
     * @param value the x87 control word
     * @return this
     */
    public Fpu fcw(int value) {
        u16(KvmStructs.FPU_FCW, value);
        return this;
    }

    /** @return the x87 control word */
    public int fcw() {
        return u16(KvmStructs.FPU_FCW);
    }

    /**
     * @param value the SSE control and status register
     * @return this
     */
    public Fpu mxcsr(int value) {
        u32(KvmStructs.FPU_MXCSR, value);
        return this;
    }

    /** @return the SSE control and status register */
    public int mxcsr() {
        return u32(KvmStructs.FPU_MXCSR);
    }
}
