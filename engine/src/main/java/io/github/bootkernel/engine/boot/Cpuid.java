package io.github.bootkernel.engine.boot;

import io.github.bootkernel.engine.kvm.CpuidEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPUID table a vCPU gets: what the host's KVM supports, plus the hypervisor bit, the vCPU's
 * APIC id, and KVM's signature leaf, so the guest detects KVM and uses kvm-clock.
 */
public final class Cpuid {

    /** {@code KVM_CPUID_SIGNATURE}. */
    public static final int KVM_SIGNATURE_LEAF = 0x40000000;
    /** {@code KVM_CPUID_FEATURES}. */
    public static final int KVM_FEATURES_LEAF = 0x40000001;
    /** "KVMKVMKVM\0\0\0" as EBX, ECX, EDX. */
    static final int KVM_EBX = 0x4b4d564b;
    static final int KVM_ECX = 0x564b4d56;
    static final int KVM_EDX = 0x4d;
    /** Leaf 1 ECX bit 31: running under a hypervisor. */
    static final int HYPERVISOR_BIT = 1 << 31;
    /** Leaf 1 ECX bit 24: the local APIC timer has TSC-deadline mode (emulated by KVM). */
    static final int TSC_DEADLINE_BIT = 1 << 24;

    private Cpuid() {
    }

    /**
     * Derives a vCPU's table from the host's supported one.
     *
     * @param supported {@code KVM_GET_SUPPORTED_CPUID}
     * @param apicId the vCPU's APIC id
     * @param vcpuCount vCPUs in the machine
     * @param tscDeadline whether KVM emulates the TSC-deadline timer ({@code KVM_CAP_TSC_DEADLINE_TIMER}),
     *     which {@code KVM_GET_SUPPORTED_CPUID} does not report by itself
     * @return the table for {@code KVM_SET_CPUID2}
     */
    public static List<CpuidEntry> forVcpu(List<CpuidEntry> supported, int apicId, int vcpuCount,
                                           boolean tscDeadline) {
        List<CpuidEntry> out = new ArrayList<>(supported.size() + 2);
        boolean signature = false;
        for (CpuidEntry e : supported) {
            switch (e.function()) {
                case 1 -> {
                    int ebx = (e.ebx() & 0x0000ffff) | (apicId << 24) | ((vcpuCount & 0xff) << 16);
                    out.add(e.withEbx(ebx).withEcx(e.ecx() | HYPERVISOR_BIT | (tscDeadline ? TSC_DEADLINE_BIT : 0)));
                }
                case KVM_SIGNATURE_LEAF -> {
                    signature = true;
                    out.add(new CpuidEntry(e.function(), e.index(), e.flags(), Math.max(e.eax(), KVM_FEATURES_LEAF),
                            KVM_EBX, KVM_ECX, KVM_EDX));
                }
                default -> out.add(e);
            }
        }
        if (!signature) {
            out.add(new CpuidEntry(KVM_SIGNATURE_LEAF, 0, 0, KVM_FEATURES_LEAF, KVM_EBX, KVM_ECX, KVM_EDX));
        }
        return List.copyOf(out);
    }
}
