package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.kvm.CpuidEntry;
import io.github.bootkernel.engine.kvm.StateSupport;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a snapshot file depends on in its host. Found on this machine's two CPUs:
 * {@code KVM_GET_SUPPORTED_CPUID} carries the APIC id of the CPU that ran it in leaf 1 EBX[31:24]
 * and leaf 0xB EDX, so the identity must not depend on those.
 */
class HostIdentityTest {

    private static final StateSupport SUPPORT = new StateSupport(true, true, true, true, 0, true, true, false, true, 3,
            true);

    private static List<CpuidEntry> table(int leaf1Ebx, int leaf1Ecx, int leafBEdx) {
        return List.of(new CpuidEntry(0, 0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65),
                new CpuidEntry(1, 0, 0, 0x00a10f11, leaf1Ebx, leaf1Ecx, 0x078bfbff),
                new CpuidEntry(0xb, 0, 1, 0, 0, 0, leafBEdx));
    }

    @Test
    void theApicIdOfTheHostCpuThatAskedDoesNotCount() {
        HostIdentity cpu0 = HostIdentity.of("6.1.0", table(0x00020800, 0x81202000, 0), true, List.of(0x10, 0x174),
                SUPPORT, "build1");
        HostIdentity cpu1 = HostIdentity.of("6.1.0", table(0x01020800, 0x81202000, 1), true, List.of(0x10, 0x174),
                SUPPORT, "build1");
        assertThat(cpu1.digest()).isEqualTo(cpu0.digest()).hasSize(16).matches("[0-9a-f]{16}");
        assertThat(cpu0.description()).isEqualTo("Linux 6.1.0, KVM with 3 CPUID leaves, 2 MSRs saved, TSC-deadline"
                + " timer, without KVM_CAP_XSAVE2, KVM_CAP_TSC_CONTROL; bootkernel engine build build1");
    }

    @Test
    void aFeatureBitTheReleaseAnMsrACapabilityOrTheEnginesBuildDoes() {
        String base = id("6.1.0", 0x81202000, true, List.of(0x10), SUPPORT, "build1");
        StateSupport noEvents = new StateSupport(true, false, true, true, 0, true, true, false, true, 3, true);
        assertThat(List.of(id("6.1.0", 0x81202001, true, List.of(0x10), SUPPORT, "build1"),
                id("6.1.1", 0x81202000, true, List.of(0x10), SUPPORT, "build1"),
                id("6.1.0", 0x81202000, true, List.of(0x10, 0x11), SUPPORT, "build1"),
                id("6.1.0", 0x81202000, false, List.of(0x10), SUPPORT, "build1"),
                id("6.1.0", 0x81202000, true, List.of(0x10), SUPPORT, "build2"),
                id("6.1.0", 0x81202000, true, List.of(0x10), noEvents, "build1")))
                .doesNotContain(base).doesNotHaveDuplicates();
    }

    private static String id(String release, int leaf1Ecx, boolean tscDeadline, List<Integer> msrs,
                             StateSupport support, String build) {
        return HostIdentity.of(release, table(0x00020800, leaf1Ecx, 0), tscDeadline, msrs, support, build).digest();
    }
}
