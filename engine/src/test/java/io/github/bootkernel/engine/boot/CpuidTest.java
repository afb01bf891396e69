package io.github.bootkernel.engine.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.kvm.CpuidEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

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

    // ---- topology (issue 11) -------------------------------------------------------------

    /** A {@code KVM_GET_SUPPORTED_CPUID} table, made up from a real CPU's values. */
    enum Host {
        /**
         * An Alder Lake-like Intel host with leaves 0xB and 0x1F, as KVM 6.2+ reports them:
         * subleaf 0 only, EAX to ECX zeroed, EDX the host's x2APIC id.
         */
        INTEL(List.of(
                entry(0, 0x20, 0x756e6547, 0x6c65746e, 0x49656e69),
                entry(1, 0x00090672, 0x18800800, 0x7ffafbff, 0xbfebfbff),
                subleaf(4, 0, 0xfc004121, 0x02c0003f, 0x0000003f, 0),
                subleaf(4, 1, 0xfc004122, 0x01c0003f, 0x0000003f, 0),
                subleaf(4, 2, 0xfc01c143, 0x03c0003f, 0x000007ff, 0),
                subleaf(4, 3, 0xfc1fc163, 0x0240003f, 0x00009fff, 4),
                subleaf(4, 4, 0, 0, 0, 0),
                subleaf(7, 0, 0, 0x239c27eb, 0x98c007bc, 0xfc18c410),
                subleaf(0xb, 0, 0, 0, 0, 0x18),
                subleaf(0xd, 0, 0x207, 0x340, 0x340, 0),
                subleaf(0x1f, 0, 0, 0, 0, 0x18),
                entry(0x40000000, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d),
                entry(0x40000001, 0x01007afb, 0, 0, 0),
                entry(0x80000000, 0x80000008, 0, 0, 0),
                entry(0x80000001, 0, 0, 0x00000121, 0x2c100800),
                entry(0x80000008, 0x00003027, 0, 0, 0))),
        /**
         * An EPYC (Zen 4)-like AMD host with topology extensions: leaf 0xB as KVM 6.2+ reports it,
         * 0x8000001E zeroed by KVM, the host's cache topology and 96 cores / 192 threads in 0x80000008.
         */
        AMD(List.of(
                entry(0, 0x10, 0x68747541, 0x444d4163, 0x69746e65),
                entry(1, 0x00a10f11, 0x01020800, 0x7ed83203, 0x178bfbff),
                subleaf(4, 0, 0, 0, 0, 0),
                subleaf(7, 0, 0, 0xf1bf07ab, 0x00405fc6, 0x00000010),
                subleaf(0xb, 0, 0, 0, 0, 0x01),
                subleaf(0xd, 0, 0xe7, 0x980, 0x980, 0),
                entry(0x40000000, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d),
                entry(0x40000001, 0x01007afb, 0, 0, 0),
                entry(0x80000000, 0x80000021, 0x68747541, 0x444d4163, 0x69746e65),
                entry(0x80000001, 0x00a10f11, 0x40000000, 0x75c237ff, 0x2fd3fbff),
                entry(0x80000008, 0x00303030, 0x50020005, 0x000070bf, 0),
                subleaf(0x8000001d, 0, 0x00004121, 0x01c0003f, 0x0000003f, 0),
                subleaf(0x8000001d, 1, 0x00004122, 0x01c0003f, 0x0000003f, 0),
                subleaf(0x8000001d, 2, 0x00004143, 0x01c0003f, 0x000007ff, 2),
                subleaf(0x8000001d, 3, 0x0003c163, 0x03c0003f, 0x00007fff, 1),
                subleaf(0x8000001d, 4, 0, 0, 0, 0),
                entry(0x8000001e, 0, 0, 0, 0))),
        /**
         * The CI's nested VM, QEMU's {@code qemu64,+svm}: AuthenticAMD without topology
         * extensions, so no 0x8000001D/0x8000001E, and no CmpLegacy from the host.
         */
        QEMU64(List.of(
                entry(0, 0xd, 0x68747541, 0x444d4163, 0x69746e65),
                entry(1, 0x00060fb1, 0x00000800, 0x80a02001, 0x078bfbfd),
                subleaf(4, 0, 0, 0, 0, 0),
                subleaf(7, 0, 0, 0, 0, 0),
                subleaf(0xb, 0, 0, 0, 0, 0),
                subleaf(0xd, 0, 0, 0, 0, 0),
                entry(0x40000000, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d),
                entry(0x80000000, 0x8000000a, 0x68747541, 0x444d4163, 0x69746e65),
                entry(0x80000001, 0x00060fb1, 0, 0x00000065, 0x2191abfd),
                entry(0x80000008, 0x00003028, 0, 0, 0)));

        final List<CpuidEntry> table;

        Host(List<CpuidEntry> table) {
            this.table = table;
        }

        boolean has(int function) {
            return table.stream().anyMatch(e -> e.function() == function);
        }

        CpuidEntry get(int function, int index) {
            return table.stream().filter(e -> e.function() == function && e.index() == index).findFirst()
                    .orElseThrow();
        }
    }

    /** Leaves whose topology fields forVcpu writes; all others must be the host's. */
    private static final Set<Integer> TOPOLOGY_LEAVES =
            Set.of(1, 4, 0xb, 0x1f, 0x80000001, 0x80000008, 0x8000001d, 0x8000001e, 0x40000000);

    static Stream<Arguments> hostsAndCounts() {
        return Stream.of(Host.values()).flatMap(h -> IntStream.of(1, 2, 3, 4, 64).mapToObj(n -> Arguments.of(h, n)));
    }

    @ParameterizedTest(name = "{0} host, {1} vCPUs")
    @MethodSource("hostsAndCounts")
    void leafOneAndExtendedTopologyAgreeWithEachOtherAndTheCount(Host host, int n) {
        for (int cpu = 0; cpu < n; cpu++) {
            List<CpuidEntry> out = Cpuid.forVcpu(host.table, cpu, n, true);
            CpuidEntry leaf1 = find(out, 1, 0);
            int apicId = apicIdOf(leaf1);
            assertThat(apicId).as("leaf 1 initial APIC id").isEqualTo(cpu);
            assertThat(leaf1.edx() & (1 << 28)).as("HTT").isEqualTo(n > 1 ? 1 << 28 : 0);
            int reservedIds = (leaf1.ebx() >>> 16) & 0xff;
            for (int leaf : new int[] {0xb, 0x1f}) {
                if (!host.has(leaf)) {
                    assertThat(out).noneMatch(e -> e.function() == leaf);
                    continue;
                }
                assertThat(out).filteredOn(e -> e.function() == leaf).as("leaf %#x subleaves", leaf).hasSize(2)
                        .allMatch(e -> (e.flags() & 1) != 0, "KVM_CPUID_FLAG_SIGNIFCANT_INDEX")
                        .allMatch(e -> e.edx() == apicId, "EDX = the x2APIC id");
                CpuidEntry smt = find(out, leaf, 0);
                assertThat(smt.eax() & 0x1f).as("SMT shift").isZero();
                assertThat(smt.ebx() & 0xffff).as("threads per core").isEqualTo(1);
                assertThat(smt.ecx()).as("subleaf 0, type SMT").isEqualTo(0x100);
                CpuidEntry core = find(out, leaf, 1);
                int shift = core.eax() & 0x1f;
                assertThat(core.ebx() & 0xffff).as("logical processors in the package").isEqualTo(n);
                assertThat(core.ecx()).as("subleaf 1, type core").isEqualTo(0x201);
                assertThat(1 << shift).as("the core shift covers the vCPUs").isGreaterThanOrEqualTo(n);
                assertThat(shift == 0 || 1 << (shift - 1) < n).as("and is the smallest that does").isTrue();
                assertThat(reservedIds).as("leaf 1 EBX[23:16] = 2^core shift").isEqualTo(1 << shift);
                assertThat(smt.edx() >>> shift).as("package id").isZero();
            }
        }
    }

    @ParameterizedTest(name = "{0} host, {1} vCPUs")
    @MethodSource("hostsAndCounts")
    void apicIdsAreUniqueAcrossVcpus(Host host, int n) {
        Set<Integer> leaf1Ids = new HashSet<>();
        Set<Integer> x2apicIds = new HashSet<>();
        for (int cpu = 0; cpu < n; cpu++) {
            List<CpuidEntry> out = Cpuid.forVcpu(host.table, cpu, n, false);
            leaf1Ids.add(apicIdOf(find(out, 1, 0)));
            x2apicIds.add(find(out, 0xb, 0).edx());
        }
        Set<Integer> expected = new HashSet<>();
        IntStream.range(0, n).forEach(expected::add);
        assertThat(leaf1Ids).isEqualTo(expected);
        assertThat(x2apicIds).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} host, {1} vCPUs")
    @MethodSource("hostsAndCounts")
    void everyOtherLeafIsTheHostsInTheHostsOrder(Host host, int n) {
        List<CpuidEntry> out = Cpuid.forVcpu(host.table, n - 1, n, false);
        List<CpuidEntry> untouched = host.table.stream().filter(e -> !TOPOLOGY_LEAVES.contains(e.function())).toList();
        assertThat(out.stream().filter(e -> !TOPOLOGY_LEAVES.contains(e.function())).toList())
                .isEqualTo(untouched);
        List<Integer> hostOrder = host.table.stream().map(CpuidEntry::function).distinct().toList();
        List<Integer> outOrder = out.stream().map(CpuidEntry::function).distinct().toList();
        assertThat(outOrder).isEqualTo(hostOrder);
    }

    @ParameterizedTest(name = "{0} vCPUs")
    @ValueSource(ints = {1, 2, 3, 4, 64})
    void intelCachesArePerCoreUpToL2AndThePackagesFromL3(int n) {
        for (int cpu : new int[] {0, n - 1}) {
            List<CpuidEntry> out = Cpuid.forVcpu(Host.INTEL.table, cpu, n, false);
            int packageIds = 1 << (find(out, 0xb, 1).eax() & 0x1f);
            for (int index = 0; index < 5; index++) {
                CpuidEntry host = Host.INTEL.get(4, index);
                CpuidEntry guest = find(out, 4, index);
                if ((host.eax() & 0x1f) == 0) {
                    assertThat(guest).as("the null subleaf that ends the list").isEqualTo(host);
                    continue;
                }
                int level = (host.eax() >>> 5) & 7;
                assertThat(guest.eax() >>> 26).as("L%d: addressable core ids - 1", level).isEqualTo(packageIds - 1);
                assertThat((guest.eax() >>> 14) & 0xfff).as("L%d: ids sharing it - 1", level)
                        .isEqualTo(level <= 2 ? 0 : packageIds - 1);
                assertThat(guest.eax() & 0x3fff).as("type, level, flags").isEqualTo(host.eax() & 0x3fff);
                assertThat(List.of(guest.ebx(), guest.ecx(), guest.edx(), guest.flags()))
                        .as("ways, partitions, line size, sets")
                        .isEqualTo(List.of(host.ebx(), host.ecx(), host.edx(), host.flags()));
            }
        }
    }

    @ParameterizedTest(name = "{0} vCPUs")
    @ValueSource(ints = {1, 2, 3, 4, 64})
    void amdCachesCoreCountAndExtendedApicIds(int n) {
        for (int cpu = 0; cpu < n; cpu++) {
            List<CpuidEntry> out = Cpuid.forVcpu(Host.AMD.table, cpu, n, false);
            int shift = find(out, 0xb, 1).eax() & 0x1f;
            for (int index = 0; index < 5; index++) {
                CpuidEntry host = Host.AMD.get(0x8000001d, index);
                CpuidEntry guest = find(out, 0x8000001d, index);
                if ((host.eax() & 0x1f) == 0) {
                    assertThat(guest).isEqualTo(host);
                    continue;
                }
                int level = (host.eax() >>> 5) & 7;
                assertThat((guest.eax() >>> 14) & 0xfff).as("L%d NumSharingCache", level)
                        .isEqualTo(level <= 2 ? 0 : n - 1);
                assertThat(guest.eax() & ~(0xfff << 14)).isEqualTo(host.eax() & ~(0xfff << 14));
                assertThat(List.of(guest.ebx(), guest.ecx(), guest.edx()))
                        .isEqualTo(List.of(host.ebx(), host.ecx(), host.edx()));
            }
            CpuidEntry sizes = find(out, 0x80000008, 0);
            assertThat(sizes.ecx() & 0xff).as("NC").isEqualTo(n - 1);
            assertThat((sizes.ecx() >>> 12) & 0xf).as("ApicIdCoreIdSize").isEqualTo(shift);
            assertThat(sizes.ecx() & ~0xf0ff).isEqualTo(Host.AMD.get(0x80000008, 0).ecx() & ~0xf0ff);
            assertThat(List.of(sizes.eax(), sizes.ebx(), sizes.edx())).as("address sizes and features kept")
                    .isEqualTo(List.of(0x00303030, 0x50020005, 0));
            CpuidEntry ext = find(out, 0x8000001e, 0);
            assertThat(ext.eax()).as("extended APIC id").isEqualTo(cpu);
            assertThat(ext.ebx() & 0xff).as("core id").isEqualTo(cpu);
            assertThat((ext.ebx() >>> 8) & 0xff).as("threads per core - 1").isZero();
            assertThat(ext.ecx() & 0x7ff).as("node 0 of 1").isZero();
            CpuidEntry features = find(out, 0x80000001, 0);
            assertThat(features.ecx() & 2).as("CmpLegacy").isEqualTo(n > 1 ? 2 : 0);
            assertThat(features.ecx() & ~2).isEqualTo(Host.AMD.get(0x80000001, 0).ecx() & ~2);
            assertThat(find(out, 4, 0)).as("Intel's leaf 4 is not AMD's").isEqualTo(Host.AMD.get(4, 0));
        }
    }

    @ParameterizedTest(name = "{0} vCPUs")
    @ValueSource(ints = {1, 2, 3, 4, 64})
    void amdWithoutTopologyExtensionsGetsTheLegacyFieldsAndNoNewLeaves(int n) {
        List<CpuidEntry> out = Cpuid.forVcpu(Host.QEMU64.table, n - 1, n, false);
        assertThat(out).noneMatch(e -> e.function() == 0x8000001d || e.function() == 0x8000001e);
        assertThat(find(out, 0x80000008, 0).ecx()).isEqualTo((CpuTopologyTestValues.shift(n) << 12) | (n - 1));
        assertThat(find(out, 0x80000001, 0).ecx()).isEqualTo(n > 1 ? 0x67 : 0x65);
        assertThat(find(out, 1, 0).edx() & (1 << 28)).isEqualTo(n > 1 ? 1 << 28 : 0);
    }

    @Test
    void otherVendorsKeepTheirVendorSpecificLeaves() {
        List<CpuidEntry> hygon = new ArrayList<>(Host.AMD.table);
        hygon.set(0, entry(0, 0x10, 0x6f677948, 0x656e6975, 0x6e65476e)); // "HygonGenuine"
        List<CpuidEntry> out = Cpuid.forVcpu(hygon, 3, 4, false);
        for (int leaf : new int[] {4, 0x80000001, 0x80000008, 0x8000001d, 0x8000001e}) {
            assertThat(out.stream().filter(e -> e.function() == leaf).toList()).as("leaf %#x", leaf)
                    .isEqualTo(hygon.stream().filter(e -> e.function() == leaf).toList());
        }
        assertThat(apicIdOf(find(out, 1, 0))).isEqualTo(3);
        assertThat(find(out, 0xb, 1).ebx()).isEqualTo(4);
    }

    @Test
    void amdLeavesAreNotRewrittenOnIntel() {
        List<CpuidEntry> intelOut = Cpuid.forVcpu(Host.INTEL.table, 1, 2, false);
        assertThat(find(intelOut, 0x80000001, 0)).isEqualTo(Host.INTEL.get(0x80000001, 0));
        assertThat(find(intelOut, 0x80000008, 0)).isEqualTo(Host.INTEL.get(0x80000008, 0));
    }

    @Test
    void subleavesAnOlderKvmListedAreRewrittenInPlace() {
        // Before Linux 6.2 KVM passed the host's levels through; these are a 2-vCPU VM's.
        List<CpuidEntry> host = List.of(LEAF0, subleaf(0xb, 0, 0, 1, 0x100, 1), subleaf(0xb, 1, 5, 2, 0x201, 1),
                subleaf(0xb, 2, 0, 0, 2, 1), LEAF7);
        List<CpuidEntry> out = Cpuid.forVcpu(host, 2, 3, false);
        assertThat(out.subList(0, 5)).containsExactly(LEAF0,
                subleaf(0xb, 0, 0, 1, 0x100, 2),
                subleaf(0xb, 1, 2, 3, 0x201, 2),
                subleaf(0xb, 2, 0, 0, 2, 2),
                LEAF7);
    }

    @Test
    void noExtendedTopologyLeafIsAddedWhenTheHostHasNone() {
        List<CpuidEntry> out = Cpuid.forVcpu(List.of(LEAF0, LEAF1), 1, 2, false);
        assertThat(out).extracting(CpuidEntry::function).containsExactly(0, 1, 0x40000000);
    }

    @ParameterizedTest(name = "APIC id {0} of {1} vCPUs")
    @CsvSource({"0, 0", "0, 65", "-1, 4", "4, 4", "1, 1"})
    void rejectsCountsAndApicIdsOutOfRange(int apicId, int count) {
        assertThatThrownBy(() -> Cpuid.forVcpu(Host.INTEL.table, apicId, count, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(count < 1 || count > 64 ? "vCPU count must be 1 to 64, got " + count
                        : "APIC id must be 0 to " + (count - 1) + " for " + count + " vCPUs, got " + apicId);
    }

    @Test
    void coreShiftIsTheFewestBitsThatNumberTheVcpus() {
        for (int n = 1; n <= 64; n++) {
            CpuTopology t = new CpuTopology(0, n);
            assertThat(t.coreShift()).as("%d vCPUs", n).isEqualTo(CpuTopologyTestValues.shift(n));
            assertThat(t.apicIdsPerPackage()).isGreaterThanOrEqualTo(n).isLessThan(2 * n);
        }
        assertThat(new CpuTopology(0, 1).coreShift()).isZero();
        assertThat(new CpuTopology(0, 3).coreShift()).isEqualTo(2);
        assertThat(new CpuTopology(0, 64).coreShift()).isEqualTo(6);
    }

    @ParameterizedTest
    @EnumSource(Host.class)
    void everyHostTableNamesItsVendor(Host host) {
        assertThat(Cpuid.vendor(host.table)).isEqualTo(host == Host.INTEL ? Cpuid.Vendor.INTEL : Cpuid.Vendor.AMD);
    }

    /** ceil(log2(n)) the slow way, as the expected value. */
    private static final class CpuTopologyTestValues {
        static int shift(int n) {
            int shift = 0;
            while ((1 << shift) < n) {
                shift++;
            }
            return shift;
        }
    }

    private static int apicIdOf(CpuidEntry leaf1) {
        return leaf1.ebx() >>> 24;
    }

    private static CpuidEntry entry(int function, int eax, int ebx, int ecx, int edx) {
        return new CpuidEntry(function, 0, 0, eax, ebx, ecx, edx);
    }

    private static CpuidEntry subleaf(int function, int index, int eax, int ebx, int ecx, int edx) {
        return new CpuidEntry(function, index, 1, eax, ebx, ecx, edx);
    }

    private static CpuidEntry find(List<CpuidEntry> entries, int function, int index) {
        return entries.stream().filter(e -> e.function() == function && e.index() == index).findFirst()
                .orElseThrow(() -> new AssertionError("no leaf " + Integer.toHexString(function) + "." + index));
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
