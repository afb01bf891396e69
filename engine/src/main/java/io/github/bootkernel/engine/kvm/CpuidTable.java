package io.github.bootkernel.engine.kvm;

import java.util.ArrayList;
import java.util.List;

/** {@code struct kvm_cpuid2} with its entries: the wire form of a CPUID table. */
final class CpuidTable extends Struct {

    CpuidTable(int capacity) {
        super(KvmStructs.CPUID2_HEADER + capacity * KvmStructs.CPUID_ENTRY);
        u32(0, capacity);
    }

    static CpuidTable of(List<CpuidEntry> entries) {
        CpuidTable table = new CpuidTable(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            CpuidEntry e = entries.get(i);
            int o = KvmStructs.CPUID2_HEADER + i * KvmStructs.CPUID_ENTRY;
            table.u32(o + KvmStructs.CPUID_FUNCTION, e.function());
            table.u32(o + KvmStructs.CPUID_INDEX, e.index());
            table.u32(o + KvmStructs.CPUID_FLAGS, e.flags());
            table.u32(o + KvmStructs.CPUID_EAX, e.eax());
            table.u32(o + KvmStructs.CPUID_EBX, e.ebx());
            table.u32(o + KvmStructs.CPUID_ECX, e.ecx());
            table.u32(o + KvmStructs.CPUID_EDX, e.edx());
        }
        return table;
    }

    int count() {
        return u32(0);
    }

    List<CpuidEntry> entries() {
        int n = count();
        List<CpuidEntry> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int o = KvmStructs.CPUID2_HEADER + i * KvmStructs.CPUID_ENTRY;
            list.add(new CpuidEntry(u32(o + KvmStructs.CPUID_FUNCTION), u32(o + KvmStructs.CPUID_INDEX),
                    u32(o + KvmStructs.CPUID_FLAGS), u32(o + KvmStructs.CPUID_EAX), u32(o + KvmStructs.CPUID_EBX),
                    u32(o + KvmStructs.CPUID_ECX), u32(o + KvmStructs.CPUID_EDX)));
        }
        return List.copyOf(list);
    }
}
