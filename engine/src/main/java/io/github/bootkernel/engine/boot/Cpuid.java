package io.github.bootkernel.engine.boot;

import io.github.bootkernel.engine.kvm.CpuidEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The CPUID table a vCPU gets: what the host's KVM supports, plus the hypervisor bit, KVM's
 * signature leaf (so the guest detects KVM and uses kvm-clock), and a CPU topology of one package
 * with one single-threaded core per vCPU, the vCPU's APIC id being its index (see
 * {@link CpuTopology}).
 *
 * <p>{@code KVM_GET_SUPPORTED_CPUID} describes the host, not a guest: leaf 1 carries the host CPU's
 * APIC id and thread count, leaf 4 and 0x8000001D the host's cache sharing, 0x80000008 the host's
 * core count; since Linux 6.2 (commit 45e966fcca03, backported to 5.10) leaves 0xB and 0x1F come
 * as subleaf 0 only, zeroed, and KVM zeroes 0x8000001E ("different on each processor").
 * {@link #forVcpu} rewrites exactly those fields, the way Firecracker's CPUID normalization does
 * ({@code src/vmm/src/cpu_config/x86_64/cpuid/normalize.rs}, {@code intel/normalize.rs},
 * {@code amd/normalize.rs}); where Firecracker and the manuals differ, the comments say which rule
 * was taken. Everything else of the host's table is kept as is and in its order.
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
    /** Leaf 1 EDX bit 28, HTT: leaf 1 EBX[23:16] is valid, the package has more than one logical processor. */
    static final int HTT_BIT = 1 << 28;
    /** Leaf 0x80000001 ECX bit 1, AMD's CmpLegacy: the package's logical processors are cores, not threads. */
    static final int CMP_LEGACY_BIT = 1 << 1;
    /** {@code KVM_CPUID_FLAG_SIGNIFCANT_INDEX} (sic): the entry is one subleaf's (KVM api.rst). */
    static final int SIGNIFICANT_INDEX = 1;

    static final int DETERMINISTIC_CACHE_LEAF = 4;
    static final int EXTENDED_TOPOLOGY_LEAF = 0xb;
    static final int V2_EXTENDED_TOPOLOGY_LEAF = 0x1f;
    static final int AMD_FEATURES_LEAF = 0x80000001;
    static final int AMD_SIZE_IDENTIFIERS_LEAF = 0x80000008;
    static final int AMD_CACHE_TOPOLOGY_LEAF = 0x8000001d;
    static final int AMD_EXTENDED_APIC_ID_LEAF = 0x8000001e;

    /** Extended topology level types, ECX[15:8] (SDM vol. 2A, CPUID leaf 0BH). */
    static final int LEVEL_INVALID = 0;
    static final int LEVEL_SMT = 1;
    static final int LEVEL_CORE = 2;

    /** Leaf 0's vendor string as EBX, EDX, ECX. */
    private static final int[] GENUINE_INTEL = {0x756e6547, 0x49656e69, 0x6c65746e};
    private static final int[] AUTHENTIC_AMD = {0x68747541, 0x69746e65, 0x444d4163};

    /** Whose layout the vendor-specific leaves follow; leaf 0 says. */
    enum Vendor { INTEL, AMD, OTHER }

    private Cpuid() {
    }

    /**
     * Derives a vCPU's table from the host's supported one.
     *
     * @param supported {@code KVM_GET_SUPPORTED_CPUID}
     * @param apicId the vCPU's APIC id: its index, 0 to {@code vcpuCount - 1}
     * @param vcpuCount vCPUs in the machine, 1 to 64
     * @param tscDeadline whether KVM emulates the TSC-deadline timer ({@code KVM_CAP_TSC_DEADLINE_TIMER}),
     *     which {@code KVM_GET_SUPPORTED_CPUID} does not report by itself
     * @return the table for {@code KVM_SET_CPUID2}
     * @throws IllegalArgumentException if the count or the APIC id is out of range
     */
    public static List<CpuidEntry> forVcpu(List<CpuidEntry> supported, int apicId, int vcpuCount,
                                           boolean tscDeadline) {
        CpuTopology topology = new CpuTopology(apicId, vcpuCount);
        Vendor vendor = vendor(supported);
        boolean intel = vendor == Vendor.INTEL;
        boolean amd = vendor == Vendor.AMD;
        List<CpuidEntry> out = new ArrayList<>(supported.size() + 4);
        boolean signature = false;
        boolean extendedTopology = false;
        boolean v2ExtendedTopology = false;
        for (CpuidEntry e : supported) {
            switch (e.function()) {
                case 1 -> out.add(featureInformation(e, topology, tscDeadline));
                case DETERMINISTIC_CACHE_LEAF -> out.add(intel ? deterministicCache(e, topology) : e);
                case EXTENDED_TOPOLOGY_LEAF -> {
                    if (!extendedTopology) {
                        extendedTopology = true;
                        out.addAll(extendedTopology(e.function(), supported, topology));
                    }
                }
                case V2_EXTENDED_TOPOLOGY_LEAF -> {
                    if (!v2ExtendedTopology) {
                        v2ExtendedTopology = true;
                        out.addAll(extendedTopology(e.function(), supported, topology));
                    }
                }
                case AMD_FEATURES_LEAF -> out.add(amd ? cmpLegacy(e, topology) : e);
                case AMD_SIZE_IDENTIFIERS_LEAF -> out.add(amd ? sizeIdentifiers(e, topology) : e);
                case AMD_CACHE_TOPOLOGY_LEAF -> out.add(amd ? cacheTopology(e, topology) : e);
                case AMD_EXTENDED_APIC_ID_LEAF -> out.add(amd ? extendedApicId(e, topology) : e);
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

    /** The vendor leaf 0 names; {@link Vendor#OTHER} without leaf 0. */
    static Vendor vendor(List<CpuidEntry> table) {
        for (CpuidEntry e : table) {
            if (e.function() == 0) {
                int[] id = {e.ebx(), e.edx(), e.ecx()};
                if (Arrays.equals(id, GENUINE_INTEL)) {
                    return Vendor.INTEL;
                }
                return Arrays.equals(id, AUTHENTIC_AMD) ? Vendor.AMD : Vendor.OTHER;
            }
        }
        return Vendor.OTHER;
    }

    /**
     * Leaf 1 (SDM vol. 2A, CPUID, "Feature Information"; Firecracker {@code update_feature_info_entry}):
     * EBX[31:24] the initial APIC id; EBX[23:16] the addressable logical processor ids in the
     * package, {@code vcpuCount} rounded up to a power of two as Firecracker does (the SDM derives
     * the reserved ids as that power of two, so the field and leaf 0xB's core shift agree); EDX
     * HTT set only when the package has more than one logical processor ("a value of 0 for HTT
     * indicates there is only a single logical processor in the package"); ECX hypervisor and
     * TSC-deadline. EBX[15:0] (brand index, CLFLUSH size) stays the host's.
     */
    private static CpuidEntry featureInformation(CpuidEntry e, CpuTopology t, boolean tscDeadline) {
        int ebx = (e.ebx() & 0x0000ffff) | (t.apicId() << 24) | ((t.apicIdsPerPackage() & 0xff) << 16);
        int ecx = e.ecx() | HYPERVISOR_BIT | (tscDeadline ? TSC_DEADLINE_BIT : 0);
        int edx = t.vcpuCount() > 1 ? e.edx() | HTT_BIT : e.edx() & ~HTT_BIT;
        return new CpuidEntry(e.function(), e.index(), e.flags(), e.eax(), ebx, ecx, edx);
    }

    /**
     * One subleaf of Intel's leaf 4, deterministic cache parameters (SDM vol. 2A, CPUID leaf 04H;
     * Firecracker {@code update_deterministic_cache_entry}). The cache itself (type, level, ways,
     * sets, line size: EAX[13:0], EBX, ECX, EDX) stays the host's; the null subleaf that ends the
     * list (type 0) is left alone.
     *
     * <ul>
     *   <li>EAX[31:26], addressable core ids in the package minus 1: {@code apicIdsPerPackage - 1}.
     *       Firecracker writes {@code cores - 1}; the SDM has software round {@code 1 + EAX[31:26]}
     *       up to a power of two, so both reserve the same ids, and the rounded value is the one
     *       that equals leaf 1 EBX[23:16].
     *   <li>EAX[25:14], addressable logical processor ids sharing the cache minus 1: L1 and L2 belong
     *       to one single-threaded core, 0; L3 and beyond are shared by the package,
     *       {@code apicIdsPerPackage - 1}, so {@code apicId >> log2(value + 1)} is the package id.
     * </ul>
     */
    private static CpuidEntry deterministicCache(CpuidEntry e, CpuTopology t) {
        if ((e.eax() & 0x1f) == 0) {
            return e;
        }
        int level = (e.eax() >>> 5) & 0x7;
        int sharing = level <= 2 ? (1 << t.threadShift()) - 1 : t.apicIdsPerPackage() - 1;
        int eax = (e.eax() & 0x00003fff) | ((t.apicIdsPerPackage() - 1) << 26) | (sharing << 14);
        return new CpuidEntry(e.function(), e.index(), e.flags(), eax, e.ebx(), e.ecx(), e.edx());
    }

    /**
     * Leaf 0xB or 0x1F, extended topology (SDM vol. 2A, CPUID leaves 0BH and 1FH; Firecracker
     * {@code update_extended_topology_entry}, which also copies 0xB to 0x1F on Intel): the leaf's
     * subleaves, written out whole in place of the host's. Subleaf 0 is the SMT level, subleaf 1
     * the core level; KVM reports only subleaf 0, and a topology is valid only if subleaf 1 exists
     * (KVM {@code __do_cpuid_func}: "a valid topology is indicated by the presence of subleaf 1"),
     * so subleaf 1 is added as Firecracker does. Higher subleaves the host listed (kernels before
     * 6.2) become invalid levels; unlisted ones KVM answers itself with ECX[7:0] = the subleaf and
     * EDX = subleaf 1's x2APIC id ({@code kvm_cpuid()}), which is the same thing.
     *
     * <p>Each subleaf: EAX[4:0] the x2APIC id shift to the next level's id, EBX[15:0] the logical
     * processors at this level within the next, ECX[7:0] the subleaf, ECX[15:8] the level type,
     * EDX the x2APIC id. The core level's shift is {@link CpuTopology#coreShift()}, the fewest bits
     * that cover the vCPUs; Firecracker uses a fixed {@code log2(32)} instead, which disagrees with
     * its own leaf 1 EBX[23:16] for other counts.
     */
    private static List<CpuidEntry> extendedTopology(int function, List<CpuidEntry> supported, CpuTopology t) {
        int last = 1;
        int flags = SIGNIFICANT_INDEX;
        for (CpuidEntry e : supported) {
            if (e.function() == function) {
                last = Math.max(last, e.index());
                flags |= e.flags();
            }
        }
        List<CpuidEntry> subleaves = new ArrayList<>(last + 1);
        subleaves.add(new CpuidEntry(function, 0, flags, t.threadShift(), 1 << t.threadShift(),
                LEVEL_SMT << 8, t.apicId()));
        subleaves.add(new CpuidEntry(function, 1, flags, t.coreShift(), t.vcpuCount(), 1 | LEVEL_CORE << 8,
                t.apicId()));
        for (int index = 2; index <= last; index++) {
            subleaves.add(new CpuidEntry(function, index, flags, 0, 0, (index & 0xff) | LEVEL_INVALID << 8,
                    t.apicId()));
        }
        return subleaves;
    }

    /**
     * AMD leaf 0x80000001 ECX bit 1, CmpLegacy (AMD APM vol. 3 appendix E, "Legacy Method"): set
     * when the package has more than one logical processor, so that leaf 1 EBX[23:16] counts cores.
     * Firecracker keeps the host's bit; this follows QEMU ({@code target/i386/cpu.c}, "The Linux
     * kernel checks for the CMPLegacy bit"): without it on AMD, Linux before 6.9 read leaf 1's
     * count as threads per core ({@code detect_ht_early()}).
     */
    private static CpuidEntry cmpLegacy(CpuidEntry e, CpuTopology t) {
        return e.withEcx(t.vcpuCount() > 1 ? e.ecx() | CMP_LEGACY_BIT : e.ecx() & ~CMP_LEGACY_BIT);
    }

    /**
     * AMD leaf 0x80000008 ECX (AMD APM vol. 3 appendix E, CPUID Fn8000_0008_ECX; Firecracker
     * {@code update_amd_feature_entry}): [7:0] NC, logical processors in the package minus 1,
     * {@code vcpuCount - 1}; [15:12] ApicIdCoreIdSize, the APIC id bits that number them,
     * {@link CpuTopology#coreShift()} (Firecracker writes a fixed 7; 0, for one vCPU, means "use
     * NC", which says the same). The rest of ECX (PerfTscSize) stays the host's.
     */
    private static CpuidEntry sizeIdentifiers(CpuidEntry e, CpuTopology t) {
        return e.withEcx((e.ecx() & ~0x0000f0ff) | (t.coreShift() << 12) | (t.vcpuCount() - 1));
    }

    /**
     * One subleaf of AMD's leaf 0x8000001D, cache topology (AMD APM vol. 3 appendix E, CPUID
     * Fn8000_001D; Firecracker {@code update_extended_cache_topology_entry}): EAX[25:14]
     * NumSharingCache, logical processors sharing the cache minus 1, is 0 for the per-core L1 and L2
     * and {@code vcpuCount - 1} for L3, shared by the package. AMD counts the processors, not the
     * ids, and has software round up to a power of two. The cache description stays the host's;
     * the null subleaf (type 0) is left alone.
     */
    private static CpuidEntry cacheTopology(CpuidEntry e, CpuTopology t) {
        if ((e.eax() & 0x1f) == 0) {
            return e;
        }
        int level = (e.eax() >>> 5) & 0x7;
        int sharing = level <= 2 ? (1 << t.threadShift()) - 1 : t.vcpuCount() - 1;
        int eax = (e.eax() & ~(0xfff << 14)) | (sharing << 14);
        return new CpuidEntry(e.function(), e.index(), e.flags(), eax, e.ebx(), e.ecx(), e.edx());
    }

    /**
     * AMD leaf 0x8000001E (AMD APM vol. 3 appendix E, CPUID Fn8000_001E; Firecracker
     * {@code update_extended_apic_id_entry}): EAX the extended APIC id; EBX[7:0] the core
     * (compute unit) id and EBX[15:8] threads per core minus 1, 0; ECX[7:0] the node id and
     * ECX[10:8] nodes per package minus 1, both 0: one node. Reserved bits stay the host's.
     */
    private static CpuidEntry extendedApicId(CpuidEntry e, CpuTopology t) {
        int ebx = (e.ebx() & ~0xffff) | (((1 << t.threadShift()) - 1) << 8) | t.coreId();
        int ecx = e.ecx() & ~0x7ff;
        return new CpuidEntry(e.function(), e.index(), e.flags(), t.apicId(), ebx, ecx, e.edx());
    }
}
