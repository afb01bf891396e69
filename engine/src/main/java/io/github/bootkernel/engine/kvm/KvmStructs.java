package io.github.bootkernel.engine.kvm;

/**
 * Sizes and field offsets of the kernel structs this package maps, as laid out by
 * {@code <linux/kvm.h>} on x86_64. {@code KvmStructsTest} pins every value against figures
 * printed by a C program compiled with the kernel headers. (Guest physical addresses live in
 * {@code boot.Layout}; this class is about host-side struct layouts only.)
 */
final class KvmStructs {

    /** {@code struct kvm_regs}: 18 general registers of 8 bytes, rax first, rflags last. */
    static final int REGS = 144;

    /** {@code struct kvm_segment}. */
    static final int SEGMENT = 24;
    static final int SEGMENT_BASE = 0;
    static final int SEGMENT_LIMIT = 8;
    static final int SEGMENT_SELECTOR = 12;
    static final int SEGMENT_TYPE = 14;
    static final int SEGMENT_PRESENT = 15;
    static final int SEGMENT_DPL = 16;
    static final int SEGMENT_DB = 17;
    static final int SEGMENT_S = 18;
    static final int SEGMENT_L = 19;
    static final int SEGMENT_G = 20;
    static final int SEGMENT_AVL = 21;
    static final int SEGMENT_UNUSABLE = 22;

    /** {@code struct kvm_dtable}. */
    static final int DTABLE = 16;
    static final int DTABLE_BASE = 0;
    static final int DTABLE_LIMIT = 8;

    /** {@code struct kvm_sregs}: eight segments, two descriptor tables, control registers. */
    static final int SREGS = 312;
    static final int SREGS_GDT = 192;
    static final int SREGS_IDT = 208;
    static final int SREGS_CR0 = 224;
    static final int SREGS_CR2 = 232;
    static final int SREGS_CR3 = 240;
    static final int SREGS_CR4 = 248;
    static final int SREGS_CR8 = 256;
    static final int SREGS_EFER = 264;
    static final int SREGS_APIC_BASE = 272;
    static final int SREGS_INTERRUPT_BITMAP = 280;

    /** {@code struct kvm_fpu}. */
    static final int FPU = 416;
    static final int FPU_FCW = 128;
    static final int FPU_FSW = 130;
    static final int FPU_FTWX = 132;
    static final int FPU_LAST_OPCODE = 134;
    static final int FPU_LAST_IP = 136;
    static final int FPU_LAST_DP = 144;
    static final int FPU_XMM = 152;
    static final int FPU_MXCSR = 408;

    /** {@code struct kvm_lapic_state}: the 1 KiB local APIC register page. */
    static final int LAPIC_STATE = 1024;

    /** {@code struct kvm_cpuid2} header ({@code nent}, padding) and {@code kvm_cpuid_entry2}. */
    static final int CPUID2_HEADER = 8;
    static final int CPUID_ENTRY = 40;
    static final int CPUID_FUNCTION = 0;
    static final int CPUID_INDEX = 4;
    static final int CPUID_FLAGS = 8;
    static final int CPUID_EAX = 12;
    static final int CPUID_EBX = 16;
    static final int CPUID_ECX = 20;
    static final int CPUID_EDX = 24;

    /** {@code struct kvm_msrs} header ({@code nmsrs}, padding) and {@code kvm_msr_entry}. */
    static final int MSRS_HEADER = 8;
    static final int MSR_ENTRY = 16;
    static final int MSR_INDEX = 0;
    static final int MSR_DATA = 8;

    /** {@code struct kvm_userspace_memory_region}. */
    static final int MEMORY_REGION = 32;
    static final int MEMORY_REGION_SLOT = 0;
    static final int MEMORY_REGION_FLAGS = 4;
    static final int MEMORY_REGION_GUEST_PHYS_ADDR = 8;
    static final int MEMORY_REGION_MEMORY_SIZE = 16;
    static final int MEMORY_REGION_USERSPACE_ADDR = 24;

    /** {@code struct kvm_pit_config}: flags and 15 padding words. */
    static final int PIT_CONFIG = 64;

    /** {@code struct kvm_irq_level}. */
    static final int IRQ_LEVEL = 8;

    // struct kvm_coalesced_mmio_zone { __u64 addr; __u32 size; union { __u32 pad; __u32 pio; }; }
    static final int COALESCED_MMIO_ZONE = 16;
    static final int COALESCED_MMIO_ZONE_ADDR = 0;
    static final int COALESCED_MMIO_ZONE_SIZE = 8;
    static final int COALESCED_MMIO_ZONE_PIO = 12;
    static final int IRQ_LEVEL_IRQ = 0;
    static final int IRQ_LEVEL_LEVEL = 4;

    /** {@code struct kvm_mp_state}: one {@code __u32}. */
    static final int MP_STATE = 4;

    /** {@code struct kvm_signal_mask} header; the kernel's 8-byte sigset follows. */
    static final int SIGNAL_MASK_HEADER = 4;
    static final int KERNEL_SIGSET = 8;

    /** {@code struct kvm_run}: the fixed part and the exit union at offset 32. */
    static final int RUN_REQUEST_INTERRUPT_WINDOW = 0;
    static final int RUN_IMMEDIATE_EXIT = 1;
    static final int RUN_EXIT_REASON = 8;
    /** Where the exit union begins: {@code hw.hardware_exit_reason}, {@code ex}, {@code debug.arch}. */
    static final int RUN_UNION = 32;
    static final int RUN_IO_DIRECTION = 32;
    static final int RUN_IO_SIZE = 33;
    static final int RUN_IO_PORT = 34;
    static final int RUN_IO_COUNT = 36;
    static final int RUN_IO_DATA_OFFSET = 40;
    static final int RUN_MMIO_PHYS_ADDR = 32;
    static final int RUN_MMIO_DATA = 40;
    static final int RUN_MMIO_LEN = 48;
    static final int RUN_MMIO_IS_WRITE = 52;
    static final int RUN_FAIL_ENTRY_REASON = 32;
    static final int RUN_FAIL_ENTRY_CPU = 40;
    static final int RUN_INTERNAL_SUBERROR = 32;
    static final int RUN_INTERNAL_NDATA = 36;
    static final int RUN_INTERNAL_DATA = 40;
    static final int RUN_SYSTEM_EVENT_TYPE = 32;
    static final int RUN_SYSTEM_EVENT_NDATA = 36;
    static final int RUN_SYSTEM_EVENT_DATA = 40;
    /** The smallest {@code kvm_run} mapping this code reads from ({@code sizeof(struct kvm_run)}). */
    static final int RUN_SIZE = 2352;

    private KvmStructs() {
    }

    // State for snapshots (x86_64 <asm/kvm.h>, <linux/kvm.h>); kept whole, as bytes.
    /** {@code struct kvm_msr_list} header: {@code __u32 nmsrs}, then {@code __u32 indices[]}. */
    static final int MSR_LIST_HEADER = 4;
    /** {@code struct kvm_mp_state}. */
    static final int MP_STATE_SIZE = 4;
    /** {@code struct kvm_xsave} without the {@code extra[]} of {@code KVM_CAP_XSAVE2}. */
    static final int XSAVE = 4096;
    /** {@code struct kvm_xcrs}: nr_xcrs, flags, 16 {@code kvm_xcr}, 16 u64 padding. */
    static final int XCRS = 392;
    /** {@code struct kvm_debugregs}. */
    static final int DEBUGREGS = 128;
    /** {@code struct kvm_vcpu_events}. */
    static final int VCPU_EVENTS = 64;
    /** {@code struct kvm_irqchip}: chip_id, pad, a 512-byte union. */
    static final int IRQCHIP = 520;
    /** {@code struct kvm_pit_state2}. */
    static final int PIT_STATE2 = 112;
    /** {@code struct kvm_clock_data}. */
    static final int CLOCK_DATA = 48;
    static final int CLOCK_DATA_CLOCK = 0;
    static final int CLOCK_DATA_FLAGS = 8;
}
