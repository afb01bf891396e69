package io.github.bootkernel.bench.report;

import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.Stats;
import io.github.bootkernel.bench.boot.Monitor;
import io.github.bootkernel.bench.boot.Subject;
import io.github.bootkernel.bench.sections.Memory;
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
 * (Firecracker's bound for its own overhead).
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

    private Targets() {
    }

    /**
     * @param rows all rows of the run
     * @return the targets, per kernel of the time-to-init rows, then memory
     */
    public static List<Target> of(List<Row> rows) {
        List<Target> targets = new ArrayList<>();
        for (String kernel : kernels(rows)) {
            targets.add(ratio(rows, kernel, Monitor.WARM, Monitor.QEMU_PC, WARM_VS_PC));
            targets.add(ratio(rows, kernel, Monitor.WARM, Monitor.QEMU_MICROVM, WARM_VS_MICROVM));
            targets.add(ratio(rows, kernel, Monitor.CLI, Monitor.QEMU_PC, CLI_VS_PC));
        }
        Optional<Row> memory = rows.stream().filter(r -> r.metric().equals(Memory.BEYOND_TOUCHED)).findFirst();
        targets.add(new Target("memory per guest beyond its touched pages",
                memory.map(r -> OptionalDouble.of(Stats.of(r.samples()).median())).orElse(OptionalDouble.empty()),
                MEMORY_MIB, "MiB", memory.map(r -> "median of " + r.samples().size() + " ("
                + r.note() + ")").orElse("")));
        return targets;
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
