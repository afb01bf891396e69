package io.github.bootkernel.bench.sections;

import io.github.bootkernel.bench.BenchContext;
import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.Samples;
import io.github.bootkernel.bench.Section;
import io.github.bootkernel.bench.boot.BootTimes;
import io.github.bootkernel.bench.boot.Boots;
import io.github.bootkernel.bench.boot.Monitor;
import io.github.bootkernel.bench.boot.Subject;
import java.util.ArrayList;
import java.util.List;

/**
 * Time to init: each monitor boots each kernel with one vCPU to {@code /init}'s first line, which
 * also prints the guest's uptime (so the monitor's time and the guest's are apart); the guest then
 * resets, which gives the reset path's time to end. Subjects alternate within each repetition.
 */
public final class TimeToInit implements Section {

    /** The section's name. */
    public static final String NAME = "time to init";
    /** Metric: from the start (process launch, or {@code Machine.start}) to the init line. */
    public static final String TO_INIT = "start to the init line";
    /** Metric: the guest's uptime printed in the init line. */
    public static final String UPTIME = "guest uptime at the init line";
    /** Metric: from the guest's last line to the end, after {@code reboot -f}. */
    public static final String RESET_END = "last line to exit (reset)";

    /** Metric: VM exits to the monitor's user space in the whole boot (bootkernel only). */
    public static final String EXITS = "VM exits, whole boot";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Row> run(BenchContext context) throws Exception {
        Boots boots = new Boots(context);
        List<Subject> subjects = new ArrayList<>();
        for (String kernel : context.kernels()) {
            for (Monitor m : Monitor.values()) {
                subjects.add(new Subject(m, kernel, 1));
            }
        }
        Samples samples = new Samples(NAME, context.where());
        for (int run = 0; run < context.runs(); run++) {
            for (Subject s : Boots.rotated(subjects, run)) {
                BootTimes t = boots.boot(s, "");
                Progress.boot(s, run, t);
                samples.add(s.toString(), TO_INIT, "s", "", t.initLine());
                samples.add(s.toString(), UPTIME, "s", "", t.uptime());
                samples.add(s.toString(), RESET_END, "s", "", t.lastLineToEnd().orElseThrow());
                if (t.exits().isPresent()) {
                    samples.add(s.toString(), EXITS, "exits", "", t.exits().getAsLong());
                }
            }
        }
        return samples.rows();
    }
}
