package io.github.bootkernel.engine.kvm;

/**
 * One CPUID leaf as KVM reports and accepts it, {@code struct kvm_cpuid_entry2}.
 *
 * @param function the leaf (EAX input)
 * @param index the subleaf (ECX input), meaningful when {@code flags} says so
 * @param flags {@code KVM_CPUID_FLAG_*}
 * @param eax output EAX
 * @param ebx output EBX
 * @param ecx output ECX
 * @param edx output EDX
 */
public record CpuidEntry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {

    /**
     * @param value new EBX
     * @return a copy with EBX replaced
     */
    public CpuidEntry withEbx(int value) {
        return new CpuidEntry(function, index, flags, eax, value, ecx, edx);
    }

    /**
     * @param value new ECX
     * @return a copy with ECX replaced
     */
    public CpuidEntry withEcx(int value) {
        return new CpuidEntry(function, index, flags, eax, ebx, value, edx);
    }

    /**
     * @param value new EDX
     * @return a copy with EDX replaced
     */
    public CpuidEntry withEdx(int value) {
        return new CpuidEntry(function, index, flags, eax, ebx, ecx, value);
    }
}
