package io.github.bootkernel.engine.kvm;

/**
 * The {@code KVM_EXIT_*} codes of {@code kvm_run.exit_reason} ({@code <linux/kvm.h>}, Linux 6.1),
 * declared in code order so that each constant's ordinal is its code.
 */
enum ExitReason {
    UNKNOWN, EXCEPTION, IO, HYPERCALL, DEBUG, HLT, MMIO, IRQ_WINDOW_OPEN, SHUTDOWN, FAIL_ENTRY,
    INTR, SET_TPR, TPR_ACCESS, S390_SIEIC, S390_RESET, DCR, NMI, INTERNAL_ERROR, OSI, PAPR_HCALL,
    S390_UCONTROL, WATCHDOG, S390_TSCH, EPR, SYSTEM_EVENT, S390_STSI, IOAPIC_EOI, HYPERV, ARM_NISV,
    X86_RDMSR, X86_WRMSR, DIRTY_RING_FULL, AP_RESET_HOLD, X86_BUS_LOCK, XEN, RISCV_SBI, RISCV_CSR,
    NOTIFY;

    private static final ExitReason[] BY_CODE = values();

    /**
     * @param code an {@code exit_reason}
     * @return its constant, or null for a code this table does not know
     */
    static ExitReason of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /**
     * @param code an {@code exit_reason}
     * @return its C name, e.g. {@code KVM_EXIT_DEBUG}, or null for a code without one
     */
    static String nameOf(int code) {
        ExitReason r = of(code);
        return r == null ? null : "KVM_EXIT_" + r.name();
    }
}
