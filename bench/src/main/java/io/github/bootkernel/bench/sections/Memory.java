package io.github.bootkernel.bench.sections;

import io.github.bootkernel.bench.BenchContext;
import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.Samples;
import io.github.bootkernel.bench.Section;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Memory per live guest: {@value #GUESTS} guests of {@value #MEMORY_MIB} MiB (the first kernel,
 * the cached busybox image with its agent, as the JUnit extension boots them) run at once in this
 * JVM, each up to its ready line. The JVM's resident set ({@code VmRSS} of
 * {@code /proc/self/status}) grows by the guests' touched pages ({@link Machine#residentMemoryBytes()})
 * and by the monitor's own cost; the section reports the latter per guest. The baseline is taken
 * after one unmeasured guest came and went, so class loading is not counted.
 */
public final class Memory implements Section {

    /** The section's name. */
    public static final String NAME = "memory";
    /** Metric: the JVM's growth beyond the guests' touched pages, per guest. */
    public static final String BEYOND_TOUCHED = "JVM RSS growth beyond touched guest pages, per guest";
    /** Guests alive at once. */
    public static final int GUESTS = 4;
    /** RAM of each guest. */
    public static final int MEMORY_MIB = 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(300);
    private static final double MIB = 1024 * 1024;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Row> run(BenchContext context) throws Exception {
        String kernel = context.mainKernel();
        String subject = "bootkernel warm JVM, " + kernel + ", 1 vCPU";
        String note = GUESTS + " guests of " + MEMORY_MIB + " MiB at once";
        MachineConfig config = MachineConfig.builder(context.kernel(kernel))
                .initrd(context.kernel("busybox-initramfs")).appendCmdline("quiet")
                .memoryMiB(MEMORY_MIB).agent(true).timeout(TIMEOUT.multipliedBy(2)).build();
        Samples samples = new Samples(NAME, context.where());
        try (Machine warmUp = Machine.start(config)) {
            ready(warmUp);
        }
        for (int run = 0; run < context.runs(); run++) {
            settle();
            long before = ProcessMemory.rss();
            long guestRamBefore = ProcessMemory.guestRamRss();
            List<Machine> guests = new ArrayList<>();
            try {
                for (int i = 0; i < GUESTS; i++) {
                    guests.add(Machine.start(config));
                }
                for (Machine m : guests) {
                    ready(m);
                }
                settle();
                long after = ProcessMemory.rss();
                long guestRam = ProcessMemory.guestRamRss() - guestRamBefore;
                long mincore = 0;
                for (Machine m : guests) {
                    mincore += m.residentMemoryBytes();
                }
                double beyond = (after - before - guestRam) / MIB / GUESTS;
                samples.add(subject, BEYOND_TOUCHED, "MiB", note, beyond);
                samples.add(subject, "touched guest pages (Rss of guest RAM), per guest", "MiB", note,
                        guestRam / MIB / GUESTS);
                samples.add(subject, "guest RAM resident by mincore, per guest", "MiB", note, mincore / MIB / GUESTS);
                samples.add(subject, "JVM RSS growth, per guest", "MiB", note, (after - before) / MIB / GUESTS);
                Progress.value(subject, run, "RSS growth per guest", (after - before) / MIB / GUESTS, "MiB");
                Progress.value(subject, run, "  of which guest RAM", guestRam / MIB / GUESTS, "MiB");
                Progress.value(subject, run, "  beyond it", beyond, "MiB");
            } finally {
                for (Machine m : guests) {
                    m.close();
                }
            }
        }
        return samples.rows();
    }

    /** Collects garbage and lets the collector's threads return freed memory before a reading. */
    private static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(500);
    }

    private static void ready(Machine machine) throws IOException, InterruptedException {
        if (machine.console().awaitLine(Pattern.compile(Pattern.quote(BusyboxInitramfs.READY_LINE)), TIMEOUT).isEmpty()) {
            throw new IOException("a guest of the memory section did not print '" + BusyboxInitramfs.READY_LINE
                    + "'; console's last lines:\n    " + String.join("\n    ", machine.console().tail(20)));
        }
    }
}
