package io.github.bootkernel.engine.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.kvm.CpuidEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuidTest {

    private static final CpuidEntry LEAF0 = new CpuidEntry(0, 0, 0, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69);
    private static final CpuidEntry LEAF1 = new CpuidEntry(1, 0, 0, 0x000906ea, 0xaabbccdd, 0x7ffafbbf, 0xbfebfbff);
    private static final CpuidEntry LEAF7 = new CpuidEntry(7, 0, 1, 0, 0x029c6fbf, 0, 0);

    @Test
    void hypervisorBitIsSetAndTheRestOfEcxKept() {
        CpuidEntry leaf1 = find(Cpuid.forVcpu(List.of(LEAF0, LEAF1), 0, 1, false), 1);
        assertThat(leaf1.ecx()).isEqualTo(0xfffafbbf);
        assertThat(leaf1.ecx() & (1 << 31)).isNotZero();
        assertThat(leaf1.eax()).isEqualTo(LEAF1.eax());
        assertThat(leaf1.edx()).as("the host's EDX but HTT: one vCPU").isEqualTo(LEAF1.edx() & ~(1 << 28));
    }

    @Test
    void httIsSetOnlyForMoreThanOneVcpu() {
        CpuidEntry noHtt = LEAF1.withEdx(LEAF1.edx() & ~(1 << 28));
        assertThat(find(Cpuid.forVcpu(List.of(noHtt), 1, 2, false), 1).edx()).isEqualTo(LEAF1.edx());
        assertThat(find(Cpuid.forVcpu(List.of(LEAF1), 0, 1, false), 1).edx()).isEqualTo(noHtt.edx());
    }

    @Test
    void apicIdGoesIntoEbxBits31To24() {
        CpuidEntry leaf1 = find(Cpuid.forVcpu(List.of(LEAF1), 3, 4, false), 1);
        assertThat(leaf1.ebx() >>> 24).isEqualTo(3);
        assertThat((leaf1.ebx() >>> 16) & 0xff).as("logical processor count").isEqualTo(4);
        assertThat(leaf1.ebx() & 0xffff).as("brand index and CLFLUSH size kept").isEqualTo(0xccdd);
    }

    @Test
    void apicIdZeroClearsTheHostsApicId() {
        CpuidEntry leaf1 = find(Cpuid.forVcpu(List.of(LEAF1), 0, 1, false), 1);
        assertThat(leaf1.ebx()).isEqualTo(0x0001ccdd);
    }

    @Test
    void signatureLeafIsAddedWhenMissing() {
        List<CpuidEntry> out = Cpuid.forVcpu(List.of(LEAF0, LEAF1, LEAF7), 0, 1, false);
        assertThat(out).hasSize(4);
        CpuidEntry sig = out.get(3);
        assertThat(sig.function()).isEqualTo(0x40000000);
        assertThat(sig.index()).isZero();
        assertThat(sig.flags()).isZero();
        assertThat(sig.eax()).isEqualTo(0x40000001);
        assertThat(signature(sig)).isEqualTo("KVMKVMKVM\0\0\0");
    }

    @Test
    void signatureLeafIsNormalisedWhenPresent() {
        CpuidEntry hostSig = new CpuidEntry(0x40000000, 0, 0, 0, 0x11111111, 0x22222222, 0x33333333);
        List<CpuidEntry> out = Cpuid.forVcpu(List.of(LEAF0, hostSig, LEAF1), 0, 1, false);
        assertThat(out).hasSize(3);
        assertThat(out).filteredOn(e -> e.function() == 0x40000000).hasSize(1);
        CpuidEntry sig = out.get(1);
        assertThat(sig.eax()).as("raised to the features leaf").isEqualTo(0x40000001);
        assertThat(signature(sig)).isEqualTo("KVMKVMKVM\0\0\0");
    }

    @Test
    void signatureLeafKeepsAHigherMaximumLeaf() {
        CpuidEntry hostSig = new CpuidEntry(0x40000000, 0, 0, 0x40000010, 0x4b4d564b, 0x564b4d56, 0x4d);
        CpuidEntry sig = find(Cpuid.forVcpu(List.of(hostSig), 0, 1, false), 0x40000000);
        assertThat(sig.eax()).isEqualTo(0x40000010);
        assertThat(signature(sig)).isEqualTo("KVMKVMKVM\0\0\0");
    }

    @Test
    void otherLeavesPassThroughInOrder() {
        CpuidEntry features = new CpuidEntry(0x40000001, 0, 0, 0x01007afb, 0, 0, 0);
        List<CpuidEntry> out = Cpuid.forVcpu(List.of(LEAF0, LEAF7, features), 5, 8, false);
        assertThat(out).startsWith(LEAF0, LEAF7, features).hasSize(4);
    }

    @Test
    void resultIsImmutable() {
        List<CpuidEntry> out = Cpuid.forVcpu(List.of(LEAF1), 0, 1, false);
        assertThatThrownBy(() -> out.add(LEAF0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void leafNumbers() {
        assertThat(Cpuid.KVM_SIGNATURE_LEAF).isEqualTo(0x40000000);
        assertThat(Cpuid.KVM_FEATURES_LEAF).isEqualTo(0x40000001);
    }

    private static CpuidEntry find(List<CpuidEntry> entries, int function) {
        return entries.stream().filter(e -> e.function() == function).findFirst().orElseThrow();
    }

    private static String signature(CpuidEntry e) {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(e.ebx()).putInt(e.ecx()).putInt(e.edx());
        return new String(b.array(), StandardCharsets.US_ASCII);
    }

    @Test
    void tscDeadlineBitFollowsTheCapability() {
        assertThat(find(Cpuid.forVcpu(List.of(LEAF1), 0, 1, true), 1).ecx() & (1 << 24)).isNotZero();
        CpuidEntry withoutDeadline = LEAF1.withEcx(LEAF1.ecx() & ~(1 << 24));
        assertThat(find(Cpuid.forVcpu(List.of(withoutDeadline), 0, 1, true), 1).ecx() & (1 << 24)).isNotZero();
        assertThat(find(Cpuid.forVcpu(List.of(withoutDeadline), 0, 1, false), 1).ecx() & (1 << 24)).isZero();
    }
}
