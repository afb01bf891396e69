package io.github.bootkernel.engine.kvm;

import java.util.ArrayList;
import java.util.List;

/**
 * Which of the MSRs KVM lists ({@code KVM_GET_MSR_INDEX_LIST}) a snapshot saves: the
 * architectural and paravirtual ones a guest's state lives in. The list KVM returns also names
 * MSRs that {@code KVM_GET_MSRS} refuses for a given CPUID (the PMU's, when CPUID leaf 0xA hides
 * the PMU, for one), so, as Firecracker does ({@code arch/x86_64/msr.rs}), only the MSRs in the
 * ranges below are kept; {@code IA32_MCG_CTL} is left out, as Linux does not expose it either.
 * {@code IA32_TSC_DEADLINE} is put last: KVM arms the deadline timer against the TSC, so it must be
 * restored after {@code IA32_TSC} (Firecracker's {@code DEFERRED_MSRS}).
 */
final class SnapshotMsrs {

    static final int IA32_TSC = 0x10;
    static final int IA32_TSC_DEADLINE = 0x6e0;
    private static final int IA32_MCG_CTL = 0x17b;

    /** Inclusive ranges {first, last}: Intel SDM vol. 4 and AMD APM vol. 2 numbers. */
    private static final int[][] RANGES = {
        {0x0, 0x1}, // IA32_P5_MC_ADDR, IA32_P5_MC_TYPE
        {0x10, 0x10}, // IA32_TSC
        {0x11, 0x12}, // MSR_KVM_WALL_CLOCK, MSR_KVM_SYSTEM_TIME (kvmclock's first MSRs)
        {0x17, 0x17}, // IA32_PLATFORM_ID
        {0x1b, 0x1b}, // IA32_APIC_BASE
        {0x2a, 0x2a}, {0x2c, 0x2c}, {0x34, 0x34}, // EBL_CR_POWERON, EBC_FREQUENCY_ID, SMI_COUNT
        {0x3a, 0x3b}, // IA32_FEATURE_CONTROL, IA32_TSC_ADJUST
        {0x48, 0x49}, // IA32_SPEC_CTRL, IA32_PRED_CMD
        {0x79, 0x79}, {0x8b, 0x8b}, {0x9e, 0x9e}, // UCODE_WRITE, UCODE_REV, SMBASE
        {0xcd, 0xce}, {0xe2, 0xe2}, {0xe7, 0xe8}, // FSB_FREQ, PLATFORM_INFO, PKG_CST_CONFIG, MPERF, APERF
        {0xfe, 0xfe}, {0x11e, 0x11e}, {0x122, 0x122}, // MTRRcap, BBL_CR_CTL3, IA32_TSX_CTRL
        {0x140, 0x140}, // MISC_FEATURES_ENABLES
        {0x174, 0x176}, // IA32_SYSENTER_CS/ESP/EIP
        {0x179, 0x17b}, // IA32_MCG_CAP, IA32_MCG_STATUS, (IA32_MCG_CTL, dropped below)
        {0x198, 0x198}, {0x1a0, 0x1a0}, {0x1a4, 0x1a4}, {0x1aa, 0x1aa}, {0x1ad, 0x1ae},
        {0x1d9, 0x1d9}, {0x1db, 0x1de}, {0x1fc, 0x1fc}, // DEBUGCTL, last branch/interrupt IPs, POWER_CTL
        {0x200, 0x2ff}, // MTRRs, IA32_PAT, MTRRdefType
        {0x3fc, 0x3fe}, // core C-state residencies
        {0x400, 0x47f}, // IA32_MCi_CTL/STATUS/ADDR/MISC
        {0x606, 0x606}, {0x60a, 0x60c}, {0x610, 0x611}, {0x613, 0x614}, {0x618, 0x619}, {0x61b, 0x61c},
        {0x648, 0x64c}, // config TDP, turbo activation ratio
        {0x6e0, 0x6e0}, // IA32_TSC_DEADLINE
        {0x800, 0xbff}, // x2APIC registers
        {0xda0, 0xda0}, // IA32_XSS
        {0x4b564d00, 0x4b564dff}, // KVM paravirtual MSRs (kvmclock, async PF, steal time, PV EOI, ...)
        {0xc0000080, 0xc0000084}, // EFER, STAR, LSTAR, CSTAR, SFMASK
        {0xc0000100, 0xc0000103}, // FS_BASE, GS_BASE, KERNEL_GS_BASE, TSC_AUX
        {0xc0010015, 0xc0010015}, // AMD HWCR
    };

    private SnapshotMsrs() {
    }

    /**
     * Whether a snapshot saves this MSR.
     *
     * @param index the MSR number (unsigned)
     * @return true if it is in one of the ranges above and not {@code IA32_MCG_CTL}
     */
    static boolean saved(int index) {
        if (index == IA32_MCG_CTL) {
            return false;
        }
        for (int[] r : RANGES) {
            if (Integer.compareUnsigned(index, r[0]) >= 0 && Integer.compareUnsigned(index, r[1]) <= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Filters KVM's list and orders it for restoring: {@code IA32_TSC_DEADLINE} last.
     *
     * @param listed {@code KVM_GET_MSR_INDEX_LIST}
     * @return the MSRs to save, in restore order
     */
    static List<Integer> toSave(List<Integer> listed) {
        List<Integer> out = new ArrayList<>();
        boolean deadline = false;
        for (int index : listed) {
            if (index == IA32_TSC_DEADLINE) {
                deadline = true;
            } else if (saved(index) && !out.contains(index)) {
                out.add(index);
            }
        }
        if (deadline) {
            out.add(IA32_TSC_DEADLINE);
        }
        return List.copyOf(out);
    }
}
