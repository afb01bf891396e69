package io.github.bootkernel.engine.kvm;

import java.util.Map;

/** {@code struct kvm_msrs} with its {@code kvm_msr_entry} list. */
final class MsrTable extends Struct {

    MsrTable(Map<Integer, Long> msrs) {
        super(Layouts.MSRS_HEADER + msrs.size() * Layouts.MSR_ENTRY);
        u32(0, msrs.size());
        int o = Layouts.MSRS_HEADER;
        for (Map.Entry<Integer, Long> e : msrs.entrySet()) {
            u32(o + Layouts.MSR_INDEX, e.getKey());
            u64(o + Layouts.MSR_DATA, e.getValue());
            o += Layouts.MSR_ENTRY;
        }
    }
}
