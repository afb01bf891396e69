package io.github.bootkernel.bench.report;

import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.Stats;
import io.github.bootkernel.bench.boot.Monitor;
import io.github.bootkernel.bench.boot.Subject;
import io.github.bootkernel.bench.sections.Memory;
import io.github.bootkernel.bench.sections.SnapshotRestore;
import io.github.bootkernel.bench.sections.TimeToInit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Issue 12's targets, computed from one run's rows (ratios of medians measured in that run):
 * the warm JVM's time to init at most 0.3x QEMU {@code -M pc}'s and at most 0.5x tuned QEMU
 * {@code -M microvm}'s on the same kernel; the CLI's (a fresh JVM) at most 1.0x QEMU
 * {@code -M pc}'s; and at most 5 MiB of JVM memory per guest beyond the guest's touched pages
 * (Firecracker's bound for its own overhead). Issue 13's, from the snapshot section: a fresh boot
 * of the guest to its shell's answer takes at least 20x as long as {@code Snapshot.restore()}, and
 * (stricter) as a clone's own first answer (medians); closing
 * every clone and the snapshot leaves no KVM descriptor, mapping or engine thread; and clones alive
 * at once grow the JVM's anonymous memory by at most 5 MiB each beyond the guest pages they wrote.
 */
public final class Targets {

    /** The warm JVM against QEMU {@code -M pc}. */
    public static final double WARM_VS_PC = 0.3;
    /** The warm JVM against tuned QEMU {@code -M microvm}. */
    public static final double WARM_VS_MICROVM = 0.5;
    /** The CLI against QEMU {@code -M pc}. */
    public static final double CLI_VS_PC = 1.0;
    /** MiB per guest beyond its touched pages. */
    public static final double MEMORY_MIB = 5.0;
    /** A fresh boot against a clone, both to the shell's answer: at least this ratio. */
    public static final double BOOT_VS_RESTORE = 20.0;

    private Targets() {
    }

    /**
     * @param rows all rows of the run
     * @return issue 12's targets: per kernel of the time-to-init rows, then memory; and issue 13's
     *     when the run has snapshot rows
     */
    public static List<Target> of(List<Row> rows) {
        return of(rows, List.of());
    }

    /**
     * @param rows     all rows of the run
     * @param sections the names of the sections that ran; empty when not known
     * @return the targets of the sections that ran (when they are not known: issue 12's, and issue
     *     13's if the run has snapshot rows): per kernel of the time-to-init rows, then memory, then
     *     the snapshot section's
     */
    public static List<Target> of(List<Row> rows, List<String> sections) {
        List<Target> targets = new ArrayList<>();
        for (String kernel : kernels(rows)) {
            targets.add(ratio(rows, kernel, Monitor.WARM, Monitor.QEMU_PC, WARM_VS_PC));
            targets.add(ratio(rows, kernel, Monitor.WARM, Monitor.QEMU_MICROVM, WARM_VS_MICROVM));
            targets.add(ratio(rows, kernel, Monitor.CLI, Monitor.QEMU_PC, CLI_VS_PC));
        }
        if (sections.isEmpty() || sections.contains(Memory.NAME)) {
            Optional<Row> memory = row(rows, Memory.BEYOND_TOUCHED);
            targets.add(new Target("memory per guest beyond its touched pages", median(memory), MEMORY_MIB, "MiB",
                    memory.map(r -> "median of " + r.samples().size() + " (" + r.note() + ")").orElse("")));
        }
        boolean snapshotRows = rows.stream().anyMatch(r -> r.section().equals(SnapshotRestore.NAME));
        if (sections.contains(SnapshotRestore.NAME) || (sections.isEmpty() && snapshotRows)) {
            targets.addAll(snapshot(rows));
        }
        return targets;
    }

    /** Issue 13's targets from the snapshot section's rows. */
    static List<Target> snapshot(List<Row> rows) {
        List<Target> targets = new ArrayList<>();
        Optional<Row> boot = row(rows, SnapshotRestore.BOOT_TO_ANSWER);
        Optional<Row> clone = row(rows, SnapshotRestore.CLONE_TO_ANSWER);
        OptionalDouble ratio = boot.isPresent() && clone.isPresent()
                ? OptionalDouble.of(Stats.of(boot.get().samples()).median() / Stats.of(clone.get().samples()).median())
                : OptionalDouble.empty();
        targets.add(new Target("fresh boot / clone (restore), to the shell's answer, "
                + SnapshotRestore.MEMORY_MIB + " MiB", ratio, BOOT_VS_RESTORE, "x", ratio.isPresent()
                ? String.format(Locale.ROOT, "%.3f s / %.3f s", Stats.of(boot.get().samples()).median(),
                        Stats.of(clone.get().samples()).median()) : "", true));
        // The "restore ... 20x faster than a fresh boot": restore() itself (ms) against the
        // same fresh boot (s); the row above holds a clone to the stricter point of its first answer.
        Optional<Row> restore = row(rows, SnapshotRestore.RESTORE_ALONE);
        OptionalDouble restoreRatio = boot.isPresent() && restore.isPresent()
                ? OptionalDouble.of(Stats.of(boot.get().samples()).median() * 1000
                        / Stats.of(restore.get().samples()).median())
                : OptionalDouble.empty();
        targets.add(new Target("fresh boot to the shell's answer / restore() alone, " + SnapshotRestore.MEMORY_MIB
                + " MiB", restoreRatio, BOOT_VS_RESTORE, "x", restoreRatio.isPresent()
                ? String.format(Locale.ROOT, "%.3f s / %.1f ms", Stats.of(boot.get().samples()).median(),
                        Stats.of(restore.get().samples()).median()) : "", true));
        Optional<Row> left = row(rows, SnapshotRestore.LEFT_ENGINE);
        targets.add(new Target("KVM descriptors, mappings and engine threads left after closing every clone and"
                + " the snapshot", median(left), 0, "left", left.map(Row::note).orElse("")));
        Optional<Row> beyond = row(rows, SnapshotRestore.BEYOND_WRITTEN);
        targets.add(new Target("JVM memory per live clone beyond the guest pages it wrote", median(beyond), MEMORY_MIB,
                "MiB", beyond.map(r -> "median of " + r.samples().size() + " (" + r.note() + ")").orElse("")));
        return targets;
    }

    private static Optional<Row> row(List<Row> rows, String metric) {
        return rows.stream().filter(r -> r.metric().equals(metric)).findFirst();
    }

    private static OptionalDouble median(Optional<Row> row) {
        return row.map(r -> OptionalDouble.of(Stats.of(r.samples()).median())).orElse(OptionalDouble.empty());
    }

    /** @return the kernels of the 1-vCPU time-to-init rows, in order */
    static Set<String> kernels(List<Row> rows) {
        Set<String> kernels = new LinkedHashSet<>();
        for (Row r : rows) {
            if (r.metric().equals(TimeToInit.TO_INIT)) {
                Subject.parse(r.subject()).filter(s -> s.cpus() == 1).ifPresent(s -> kernels.add(s.kernel()));
            }
        }
        return kernels;
    }

    /**
     * @return the median time to init of a monitor on a kernel with 1 vCPU, if measured
     */
    static OptionalDouble median(List<Row> rows, Monitor monitor, String kernel) {
        String subject = new Subject(monitor, kernel, 1).toString();
        return rows.stream().filter(r -> r.metric().equals(TimeToInit.TO_INIT) && r.subject().equals(subject))
                .mapToDouble(r -> Stats.of(r.samples()).median()).findFirst();
    }

    private static Target ratio(List<Row> rows, String kernel, Monitor ours, Monitor theirs, double limit) {
        OptionalDouble a = median(rows, ours, kernel);
        OptionalDouble b = median(rows, theirs, kernel);
        String name = ours.label() + " / " + theirs.label() + ", time to init, " + kernel;
        if (a.isEmpty() || b.isEmpty()) {
            return new Target(name, OptionalDouble.empty(), limit, "x", "");
        }
        return new Target(name, OptionalDouble.of(a.getAsDouble() / b.getAsDouble()), limit, "x",
                String.format(Locale.ROOT, "%.3f s / %.3f s", a.getAsDouble(), b.getAsDouble()));
    }
}
