package io.github.bootkernel.bench.sections;

import io.github.bootkernel.bench.BenchContext;
import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.Samples;
import io.github.bootkernel.bench.Section;
import io.github.bootkernel.bench.boot.BootTimes;
import io.github.bootkernel.bench.boot.Boots;
import io.github.bootkernel.bench.boot.Monitor;
import io.github.bootkernel.bench.boot.Subject;
import java.util.List;

/**
 * 4-vCPU boots of the first kernel to the init line: QEMU {@code -M pc -smp 4}, the command-line
 * tool and a warm JVM with {@code --cpus 4}.
 */
public final class FourCpus implements Section {

    /** The section's name. */
    public static final String NAME = "4-vCPU boots";
    /** vCPUs of every boot. */
    public static final int CPUS = 4;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Row> run(BenchContext context) throws Exception {
        Boots boots = new Boots(context);
        String kernel = context.mainKernel();
        List<Subject> subjects = List.of(new Subject(Monitor.QEMU_PC, kernel, CPUS),
                new Subject(Monitor.CLI, kernel, CPUS), new Subject(Monitor.WARM, kernel, CPUS));
        Samples samples = new Samples(NAME, context.where());
        for (int run = 0; run < context.runs(); run++) {
            for (Subject s : Boots.rotated(subjects, run)) {
                BootTimes t = boots.boot(s, "");
                Progress.boot(s, run, t);
                samples.add(s.toString(), TimeToInit.TO_INIT, "s", "", t.initLine());
                samples.add(s.toString(), TimeToInit.UPTIME, "s", "", t.uptime());
            }
        }
        return samples.rows();
    }
}
