package io.github.bootkernel.bench.report;

import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.boot.Monitor;
import io.github.bootkernel.bench.boot.Subject;
import io.github.bootkernel.bench.sections.Memory;
import io.github.bootkernel.bench.sections.TimeToInit;
import java.util.ArrayList;
import java.util.List;

/** Rows as a run would produce them, with known medians. */
final class Fixtures {

    static final String WHERE = "hardware KVM";

    private Fixtures() {
    }

    /**
     * Time to init on two kernels: QEMU -M pc 1.0 s (median of 0.9, 1.0, 1.2), microvm 0.5 s,
     * CLI 0.8 s, warm 0.2 s on debian-cloud; on tiny the warm JVM takes 0.4 s against pc's 1.0 s.
     */
    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(init(Monitor.QEMU_PC, "debian-cloud", 0.9, 1.0, 1.2));
        rows.add(init(Monitor.QEMU_MICROVM, "debian-cloud", 0.5, 0.5, 0.6));
        rows.add(init(Monitor.CLI, "debian-cloud", 0.8, 0.7, 0.9));
        rows.add(init(Monitor.WARM, "debian-cloud", 0.2, 0.25, 0.15));
        rows.add(init(Monitor.QEMU_PC, "tiny", 1.0, 1.0, 1.0));
        rows.add(init(Monitor.WARM, "tiny", 0.4, 0.4, 0.4));
        rows.add(new Row(Memory.NAME, "bootkernel warm JVM, debian-cloud, 1 vCPU", Memory.BEYOND_TOUCHED, "MiB",
                List.of(3.0, 7.0, 4.0), WHERE, "4 guests of 1024 MiB at once"));
        return rows;
    }

    private static Row init(Monitor m, String kernel, Double... samples) {
        return new Row(TimeToInit.NAME, new Subject(m, kernel, 1).toString(), TimeToInit.TO_INIT, "s",
                List.of(samples), WHERE, "");
    }
}
