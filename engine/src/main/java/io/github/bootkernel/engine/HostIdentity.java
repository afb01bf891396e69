package io.github.bootkernel.engine;

import io.github.bootkernel.engine.boot.Cpuid;
import io.github.bootkernel.engine.kvm.Capability;
import io.github.bootkernel.engine.kvm.CpuidEntry;
import io.github.bootkernel.engine.kvm.Kvm;
import io.github.bootkernel.engine.kvm.KvmException;
import io.github.bootkernel.engine.kvm.StateSupport;
import io.github.bootkernel.engine.kvm.Vm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a snapshot depends on in the host it was taken on ({@link Snapshot#hostIdentity}): a clone
 * runs the snapshot's guest kernel, which probed its CPU once, at boot, so the clone's vCPUs must
 * offer exactly the same CPUID leaves (those the monitor gives a vCPU, derived from
 * {@code KVM_GET_SUPPORTED_CPUID}, api.rst 4.46, and the TSC-deadline timer), and KVM must accept exactly the
 * same saved state: the MSRs it lists ({@code KVM_GET_MSR_INDEX_LIST}) and the optional state
 * ioctls ({@link StateSupport}). The host kernel's release is part of it too, as Firecracker ties
 * snapshots to the host kernel version: another KVM may read the same structs differently. And so
 * is the engine's build ({@code EngineBuild}): a guest booted by another build of the monitor saw
 * other ACPI tables, CPUID or device models.
 *
 * @param description the facts in words, for messages
 * @param digest the first 16 hex digits of the SHA-256 of the facts in full
 */
record HostIdentity(String description, String digest) {

    private static final Path OS_RELEASE = Path.of("/proc/sys/kernel/osrelease");

    /** The identities asked for so far, by device: none of the facts changes while the JVM runs. */
    private static final Map<Path, HostIdentity> KNOWN = new ConcurrentHashMap<>();

    /**
     * This host's identity for a KVM device, asked once per JVM and device ({@link #ask}): a
     * template's cache key, its save and its load each need it, and asking opens the device and a
     * VM (about 0.1 s in the nested VM). A failure is not remembered.
     *
     * @throws KvmUnavailableException when KVM cannot be used
     * @throws MachineException if an ioctl fails or the kernel release cannot be read
     */
    static HostIdentity of(Path kvmDevice) {
        return KNOWN.computeIfAbsent(kvmDevice.toAbsolutePath().normalize(), HostIdentity::ask);
    }

    /**
     * Asks this host: reads the kernel release, opens the KVM device and a VM, asks them, closes them.
     *
     * @throws KvmUnavailableException when KVM cannot be used
     * @throws MachineException if an ioctl fails or the kernel release cannot be read
     */
    private static HostIdentity ask(Path kvmDevice) {
        String release;
        try {
            release = Files.readString(OS_RELEASE).strip();
        } catch (IOException e) {
            throw new MachineException("cannot read the host kernel's release from " + OS_RELEASE + ": " + e, e);
        }
        Kvm kvm;
        try {
            kvm = Kvm.open(kvmDevice);
        } catch (KvmException e) {
            throw new KvmUnavailableException(KvmAvailability.failed(kvmDevice, e), e);
        }
        try (kvm) {
            List<CpuidEntry> cpuid = kvm.supportedCpuid();
            boolean tscDeadline = kvm.checkExtension(Capability.TSC_DEADLINE_TIMER) > 0;
            List<Integer> msrs = kvm.snapshotMsrs();
            StateSupport support;
            try (Vm vm = kvm.createVm()) {
                support = StateSupport.of(vm);
            }
            return of(release, cpuid, tscDeadline, msrs, support, EngineBuild.digest());
        } catch (KvmException e) {
            throw new MachineException("asking " + kvmDevice + " what a snapshot depends on failed: " + e.getMessage(), e);
        }
    }

    /** The identity of these facts. */
    static HostIdentity of(String release, List<CpuidEntry> cpuid, boolean tscDeadline, List<Integer> msrs,
                           StateSupport support, String engineBuild) {
        StringBuilder facts = new StringBuilder("release ").append(release).append('\n');
        facts.append("engine ").append(engineBuild).append('\n');
        // The leaves as a guest's vCPU 0 of 1 gets them, not as KVM_GET_SUPPORTED_CPUID returns them:
        // KVM copies the APIC id of the host CPU that ran the ioctl into leaf 1 (EBX[31:24]) and leaf
        // 0xB (EDX), which would make the identity differ from one call to the next; Cpuid.forVcpu
        // replaces those with the vCPU's own, as every machine's vCPUs get them.
        for (CpuidEntry e : Cpuid.forVcpu(cpuid, 0, 1, tscDeadline)) {
            facts.append(String.format("cpuid %08x.%08x flags %x: %08x %08x %08x %08x%n", e.function(), e.index(),
                    e.flags(), e.eax(), e.ebx(), e.ecx(), e.edx()));
        }
        facts.append("tsc-deadline ").append(tscDeadline).append('\n');
        for (int msr : msrs) {
            facts.append(String.format("msr %08x%n", msr));
        }
        facts.append(support).append('\n');
        String missing = support.missing();
        String description = "Linux " + release + ", KVM with " + cpuid.size() + " CPUID leaves, " + msrs.size()
                + " MSRs saved" + (tscDeadline ? ", TSC-deadline timer" : "") + (missing.isEmpty() ? ""
                : ", without " + missing) + "; bootkernel engine build " + engineBuild;
        return new HostIdentity(description, sha256(facts.toString()).substring(0, 16));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256 (MessageDigest's specification)", e);
        }
    }

    @Override
    public String toString() {
        return description + " (identity " + digest + ")";
    }
}
