package io.github.bootkernel.engine.boot;

import io.github.bootkernel.engine.MachineConfig;

/**
 * Where one vCPU sits in the machine's CPU topology: one package (socket) of {@code vcpuCount}
 * cores with one thread each, the vCPU's APIC id being its index. Every CPUID field that describes
 * the topology is derived from these two numbers, so all vCPUs of a machine agree.
 *
 * <p>APIC ids are split into fields from the lowest bits up (Intel SDM vol. 3A section 10.4.8.1,
 * "Hierarchical Mapping of Shared Resources"): thread, core, package. With one thread per core the
 * thread field is empty, the core field has {@link #coreShift()} bits, and the package id is
 * {@code apicId >> coreShift()}, 0 for every vCPU.
 *
 * @param apicId the vCPU's initial (x2)APIC id, 0 to {@code vcpuCount - 1}
 * @param vcpuCount vCPUs in the machine, 1 to {@link MachineConfig#MAX_CPUS}
 */
record CpuTopology(int apicId, int vcpuCount) {

    CpuTopology {
        if (vcpuCount < 1 || vcpuCount > MachineConfig.MAX_CPUS) {
            throw new IllegalArgumentException("vCPU count must be 1 to " + MachineConfig.MAX_CPUS + ", got "
                    + vcpuCount);
        }
        if (apicId < 0 || apicId >= vcpuCount) {
            throw new IllegalArgumentException("APIC id must be 0 to " + (vcpuCount - 1) + " for " + vcpuCount
                    + " vCPUs, got " + apicId);
        }
    }

    /**
     * The bits of the APIC id that number the threads of a core: none, one thread per core.
     *
     * @return 0
     */
    int threadShift() {
        return 0;
    }

    /**
     * The bits of the APIC id that number the cores of the package: the fewest that give each vCPU
     * its own id, {@code ceil(log2(vcpuCount))}.
     *
     * @return 0 for one vCPU, 1 for two, 2 for three or four, ..., 6 for 33 to 64
     */
    int coreShift() {
        return 32 - Integer.numberOfLeadingZeros(vcpuCount - 1);
    }

    /**
     * APIC ids the package reserves: {@code vcpuCount} rounded up to a power of two. The SDM's
     * "maximum number of addressable IDs" fields count these.
     *
     * @return {@code 1 << coreShift()}
     */
    int apicIdsPerPackage() {
        return 1 << coreShift();
    }

    /**
     * The core's number in the package: with one thread per core, the APIC id.
     *
     * @return {@code apicId >> threadShift()}
     */
    int coreId() {
        return apicId >> threadShift();
    }
}
