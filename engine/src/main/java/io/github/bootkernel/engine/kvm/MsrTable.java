package io.github.bootkernel.engine.kvm;

import java.util.Map;

/** {@code struct kvm_msrs} with its {@code kvm_msr_entry} list. */
final class MsrTable extends Struct {

    MsrTable(Map<Integer, Long> msrs) {
        super(KvmStructs.MSRS_HEADER + msrs.size() * KvmStructs.MSR_ENTRY);
        u32(0, msrs.size());
        int o = KvmStructs.MSRS_HEADER;
        for (Map.Entry<Integer, Long> e : msrs.entrySet()) {
            u32(o + KvmStructs.MSR_INDEX, e.getKey());
            u64(o + KvmStructs.MSR_DATA, e.getValue());
            o += KvmStructs.MSR_ENTRY;
        }
    }
}
