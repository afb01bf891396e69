package io.github.bootkernel.bench.sections;

import io.github.bootkernel.bench.BenchContext;
import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.Samples;
import io.github.bootkernel.bench.Section;
import io.github.bootkernel.bench.boot.BenchImage;
import io.github.bootkernel.bench.boot.BootTimes;
import io.github.bootkernel.bench.boot.Boots;
import io.github.bootkernel.bench.boot.Monitor;
import io.github.bootkernel.bench.boot.Subject;
import java.util.ArrayList;
import java.util.List;

/**
 * Time to end on the power-off path: the first kernel of the run that is not a tiny one (power-off
 * needs ACPI, which the tiny kernels lack), one vCPU, {@code /init} ends with {@code poweroff -f}; measured from the guest's last line to the
 * process's exit or the machine's end. The reset path's rows come with {@link TimeToInit}.
 */
public final class TimeToEnd implements Section {

    /** The section's name. */
    public static final String NAME = "time to end";
    /** Metric: from the guest's last line to the end, after {@code poweroff -f}. */
    public static final String POWEROFF_END = "last line to exit (power-off)";

    /**
     * @param kernels the run's kernel ids
     * @return the first that can power off: not {@code tiny} nor {@code tiny-*}
     * @throws IllegalArgumentException when every kernel is a tiny one
     */
    static String kernel(List<String> kernels) {
        return kernels.stream().filter(k -> !k.equals("tiny") && !k.startsWith("tiny-")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("time to end needs a kernel with ACPI for its power-off;"
                        + " the tiny kernels have none: add debian-cloud to --kernels"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Row> run(BenchContext context) throws Exception {
        Boots boots = new Boots(context);
        List<Subject> subjects = new ArrayList<>();
        String kernel = kernel(context.kernels());
        for (Monitor m : Monitor.values()) {
            subjects.add(new Subject(m, kernel, 1));
        }
        Samples samples = new Samples(NAME, context.where());
        for (int run = 0; run < context.runs(); run++) {
            for (Subject s : Boots.rotated(subjects, run)) {
                BootTimes t = boots.boot(s, BenchImage.POWEROFF);
                Progress.boot(s, run, t);
                samples.add(s.toString(), POWEROFF_END, "s", "", t.lastLineToEnd().orElseThrow());
            }
        }
        return samples.rows();
    }
}
