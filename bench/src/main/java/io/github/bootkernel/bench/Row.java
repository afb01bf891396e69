package io.github.bootkernel.bench;

import java.util.List;
import java.util.Objects;

/**
 * One row of the benchmark's results: one subject (a monitor, or a monitor with a kernel) doing one
 * piece of work, measured {@code samples.size()} times in one run of the benchmark.
 *
 * @param section the part of the benchmark, e.g. {@code "time to init"} or {@code "console throughput"}
 * @param subject what was measured, e.g. {@code "QEMU -M pc, debian-cloud, 1 vCPU"}
 * @param metric  the quantity, e.g. {@code "start to the init line"}
 * @param unit    the samples' unit, e.g. {@code "s"}, {@code "MiB/s"}, {@code "exits/byte"}
 * @param samples every measured value, in the order measured; not empty
 * @param where   where it ran, e.g. {@code "nested KVM (QEMU TCG, 1 vCPU)"} or {@code "hardware KVM"}
 * @param note    anything a reader needs to read the row right; empty if nothing
 */
public record Row(String section, String subject, String metric, String unit, List<Double> samples,
                  String where, String note) {

    public Row {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(note, "note");
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("row '" + subject + "' has no samples");
        }
    }
}
