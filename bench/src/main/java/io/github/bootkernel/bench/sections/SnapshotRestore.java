package io.github.bootkernel.bench.sections;

import io.github.bootkernel.bench.BenchContext;
import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.Samples;
import io.github.bootkernel.bench.Section;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Snapshots and clones (issue 13): a {@value #MEMORY_MIB} MiB guest of the first kernel with the
 * cached busybox image (without the agent: {@code MachineConfig.agent()} is off, so a clone's answer
 * is the console's alone), one vCPU, {@code quiet}, booted once to its shell's prompt after the ready line and
 * snapshotted there. Then:
 * <ul>
 *   <li>per repetition, alternating which goes first: a fresh boot of the same guest in this warm
 *       JVM ({@code Machine.start}) to the shell's answer to a command line, and a clone
 *       ({@code Snapshot.restore()}) to the same answer; {@code restore()}'s own duration and the
 *       process's minor page faults during it and up to the answer; the ratio boot / clone of each
 *       repetition;</li>
 *   <li>per repetition too, what another JVM on this host does: {@code Snapshot.load} of the file
 *       {@code Snapshot.save} wrote once after the snapshot (its page cache warm, as right after a
 *       run that saved it), and a clone of the loaded snapshot to the same answer;</li>
 *   <li>once, {@link #clones()} clones in sequence, then {@value #AT_ONCE} at once, each writing
 *       {@value #WRITE_KIB} KiB to a file in its {@code /tmp} (rootfs: guest page cache) and
 *       answering: the guest RAM each clone wrote as the host sees it (the {@code Anonymous}
 *       pages of its copy-on-write mapping: {@link HostResources#cloneWrittenBytes()}), the JVM's anonymous memory ({@code RssAnon}) growth per live
 *       clone beyond that, and descriptors, tasks and mappings before and after closing them all and
 *       the snapshot ({@link HostResources}).</li>
 * </ul>
 * One unmeasured clone runs before the repetitions (the template's boot already warmed the boot's
 * code), so the first measured restore does not pay for class loading and the interpreter.
 */
public final class SnapshotRestore implements Section {

    /** The section's name. */
    public static final String NAME = "snapshot restore";
    /** The guest's RAM. */
    public static final int MEMORY_MIB = 256;
    /** Clones alive at once. */
    public static final int AT_ONCE = 8;
    /** What each clone of the leak phase writes into its {@code /tmp}. */
    public static final int WRITE_KIB = 1024;
    /** The system property that sets the clones in sequence (default {@value #DEFAULT_CLONES}). */
    public static final String CLONES_PROPERTY = "bench.snapshotClones";
    /** Clones in sequence by default, issue 13's number. */
    public static final int DEFAULT_CLONES = 100;
    /** Metric: {@code Machine.start} to the shell's answer. */
    public static final String BOOT_TO_ANSWER = "fresh boot to the shell's answer";
    /** Metric: {@code Snapshot.restore()} to the shell's answer. */
    public static final String CLONE_TO_ANSWER = "clone (restore()) to the shell's answer";
    /** Metric: {@code Snapshot.load} of the saved file, then a clone of it to the shell's answer. */
    public static final String FILE_TO_ANSWER = "from the file: load() + clone to the shell's answer";
    /** Metric: {@code Snapshot.load} of the saved file alone. */
    public static final String LOAD_ALONE = "load() of the snapshot file";
    /** The metric of {@code Snapshot.restore()}'s own duration, per repetition. */
    public static final String RESTORE_ALONE = "restore() alone";
    /** Metric: KVM descriptors and mappings and engine threads left at the end, beyond the start. */
    public static final String LEFT_ENGINE = "KVM fds + KVM/guest-RAM mappings + bootkernel-* threads left";
    /** Metric: the JVM's anonymous memory growth per live clone beyond its guest pages written. */
    public static final String BEYOND_WRITTEN = "RssAnon growth beyond the guest pages written, per live clone";
    private static final Duration TIMEOUT = Duration.ofSeconds(300);
    private static final double MIB = 1024 * 1024;

    @Override
    public String name() {
        return NAME;
    }

    /**
     * @return the clones in sequence: {@value #CLONES_PROPERTY} when set, else {@value #DEFAULT_CLONES}
     * @throws IllegalArgumentException when the property is not a whole number of at least 1
     */
    static int clones() {
        String value = System.getProperty(CLONES_PROPERTY);
        if (value == null) {
            return DEFAULT_CLONES;
        }
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + CLONES_PROPERTY + ": not a number: " + value);
        }
        if (n < 1) {
            throw new IllegalArgumentException("-D" + CLONES_PROPERTY + ": at least 1, got " + n);
        }
        return n;
    }

    @Override
    public List<Row> run(BenchContext context) throws Exception {
        String kernel = context.mainKernel();
        String subject = "bootkernel warm JVM, " + kernel + ", " + MEMORY_MIB + " MiB, 1 vCPU";
        int sequence = clones();
        MachineConfig config = MachineConfig.builder(context.kernel(kernel))
                .initrd(context.kernel("busybox-initramfs")).appendCmdline("quiet")
                .memoryMiB(MEMORY_MIB).cpus(1).timeout(TIMEOUT.multipliedBy(4)).build();
        Samples samples = new Samples(NAME, context.where());
        HostResources start = HostResources.now();
        Snapshot snapshot;
        try (Machine template = Machine.start(config)) {
            Shell.awaitPrompt(template, "the template guest", TIMEOUT);
            long s0 = System.nanoTime();
            snapshot = template.snapshot();
            double ms = (System.nanoTime() - s0) / 1e6;
            samples.add(subject, "snapshot() at the prompt", "ms", "once, the template's", ms);
            Progress.value(subject, 0, "snapshot()", ms, "ms");
        }
        Path file = null;
        try {
            file = Files.createTempFile("bench-snapshot-", ".snapshot");
            long s0 = System.nanoTime();
            snapshot.save(file);
            samples.add(subject, "save() of the snapshot to a file", "ms", "once, with fsync",
                    (System.nanoTime() - s0) / 1e6);
            samples.add(subject, "snapshot file size", "MiB", "once; state and the RAM's data pages",
                    Files.size(file) / MIB);
            try (Machine warmUp = snapshot.restore()) {
                Shell.answer(warmUp, "an unmeasured clone", TIMEOUT);
            }
            for (int run = 0; run < context.runs(); run++) {
                double boot = 0;
                CloneTimes clone = null;
                FileTimes fromFile = null;
                for (int turn = 0; turn < 3; turn++) {
                    switch ((turn + run) % 3) {
                        case 0 -> boot = freshBoot(config);
                        case 1 -> clone = clone(snapshot);
                        default -> fromFile = fromFile(file, config);
                    }
                }
                samples.add(subject, BOOT_TO_ANSWER, "s", "", boot);
                samples.add(subject, CLONE_TO_ANSWER, "s", "", clone.toAnswer());
                samples.add(subject, RESTORE_ALONE, "ms", "", clone.restoreMs());
                samples.add(subject, LOAD_ALONE, "ms", "page cache warm", fromFile.loadMs());
                samples.add(subject, FILE_TO_ANSWER, "s", "page cache warm", fromFile.toAnswer());
                samples.add(subject, "fresh boot / clone, to the shell's answer", "x", "per repetition",
                        boot / clone.toAnswer());
                samples.add(subject, "fresh boot / restore() alone", "x", "per repetition",
                        boot * 1000 / clone.restoreMs());
                samples.add(subject, "fresh boot / (load() + clone), to the shell's answer", "x", "per repetition",
                        boot / fromFile.toAnswer());
                samples.add(subject, "minor page faults during restore()", "faults", "whole JVM", clone.restoreFaults());
                samples.add(subject, "minor page faults, restore() to the answer", "faults", "whole JVM",
                        clone.answerFaults());
                samples.add(subject, "close() of a clone", "ms", "", clone.closeMs());
                Progress.value(subject, run, "fresh boot to the answer", boot, "s");
                System.out.printf(Locale.ROOT, "  run %d  %-45s clone to the answer %.3f s (restore() %.1f ms, %d + %d"
                        + " minor faults, close() %.1f ms): %.1fx; from the file %.3f s (load() %.1f ms): %.1fx%n",
                        run + 1, subject, clone.toAnswer(), clone.restoreMs(), clone.restoreFaults(),
                        clone.answerFaults(), clone.closeMs(), boot / clone.toAnswer(), fromFile.toAnswer(),
                        fromFile.loadMs(), boot / fromFile.toAnswer());
            }
            clonesAndLeaks(snapshot, subject, sequence, samples, start.engineThreads());
        } finally {
            snapshot.close();
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
        HostResources left = settled(start.engineThreads()).minus(start);
        long engine = left.kvmFds() + left.kvmMaps() + left.engineThreads();
        String note = "after closing every clone and the snapshot, against before the template's boot: " + left;
        samples.add(subject, LEFT_ENGINE, "left", note, engine);
        System.out.println("  left after closing every clone and the snapshot: " + left);
        return samples.rows();
    }

    /**
     * @param loadMs   {@code Snapshot.load}'s duration
     * @param toAnswer seconds from the start of {@code load} to a clone's answer
     */
    private record FileTimes(double loadMs, double toAnswer) {
    }

    /** What another JVM on this host does with the file: load it, clone it once, to the shell's answer. */
    private static FileTimes fromFile(Path file, MachineConfig config) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        try (Snapshot loaded = Snapshot.load(file, config)) {
            long t1 = System.nanoTime();
            try (Machine clone = loaded.restore()) {
                Shell.answer(clone, "a clone of the loaded file", TIMEOUT);
                return new FileTimes((t1 - t0) / 1e6, (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    /** @return seconds from {@code Machine.start} to the shell's answer, the machine closed after */
    private static double freshBoot(MachineConfig config) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        try (Machine machine = Machine.start(config)) {
            Shell.awaitPrompt(machine, "a fresh boot", TIMEOUT);
            Shell.answer(machine, "a fresh boot", TIMEOUT);
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /**
     * @param toAnswer      seconds from {@code restore()} to the shell's answer
     * @param restoreMs     {@code restore()}'s own duration
     * @param restoreFaults the process's minor faults during {@code restore()}
     * @param answerFaults  those from its return to the answer
     * @param closeMs       {@code close()}'s duration
     */
    private record CloneTimes(double toAnswer, double restoreMs, long restoreFaults, long answerFaults,
                              double closeMs) {
    }

    private static CloneTimes clone(Snapshot snapshot) throws IOException, InterruptedException {
        long f0 = HostResources.minorFaults();
        long t0 = System.nanoTime();
        Machine clone = snapshot.restore();
        long t1 = System.nanoTime();
        long f1 = HostResources.minorFaults();
        long t2;
        long f2;
        try {
            Shell.answer(clone, "a clone", TIMEOUT);
            t2 = System.nanoTime();
            f2 = HostResources.minorFaults();
        } finally {
            clone.close();
        }
        long t3 = System.nanoTime();
        return new CloneTimes((t2 - t0) / 1e9, (t1 - t0) / 1e6, f1 - f0, f2 - f1, (t3 - t2) / 1e6);
    }

    /** The leak phase: clones in sequence, then {@value #AT_ONCE} at once, each writing {@value #WRITE_KIB} KiB. */
    private static void clonesAndLeaks(Snapshot snapshot, String subject, int sequence, Samples samples,
                                       long engineThreads) throws IOException, InterruptedException {
        HostResources before = settled(engineThreads);
        long anonBefore = HostResources.rssAnon();
        String seqNote = sequence + " in sequence";
        for (int i = 0; i < sequence; i++) {
            long t0 = System.nanoTime();
            Machine clone = snapshot.restore();
            double restoreMs = (System.nanoTime() - t0) / 1e6;
            long dirty;
            try {
                Shell.write(clone, WRITE_KIB, "clone " + (i + 1) + " in sequence", TIMEOUT);
                dirty = HostResources.cloneWrittenBytes();
            } finally {
                clone.close();
            }
            samples.add(subject, "restore()", "ms", seqNote, restoreMs);
            samples.add(subject, "guest RAM a clone wrote (its copy-on-write pages), after writing " + WRITE_KIB + " KiB",
                    "MiB", seqNote, dirty / MIB);
            if ((i + 1) % 10 == 0 || i == 0) {
                System.out.printf(Locale.ROOT, "  clone %3d of %d in sequence: restore() %.1f ms, wrote %.2f MiB of"
                        + " guest RAM%n", i + 1, sequence, restoreMs, dirty / MIB);
            }
        }
        HostResources afterSequence = settled(before.engineThreads()).minus(before);
        double anonSequence = (HostResources.rssAnon() - anonBefore) / MIB;
        samples.add(subject, "RssAnon growth after closing them", "MiB", seqNote, anonSequence);
        System.out.printf(Locale.ROOT, "  after %d clones in sequence, closed: RssAnon %+.2f MiB; %s%n", sequence,
                anonSequence, afterSequence);

        long anon0 = HostResources.rssAnon();
        List<Machine> live = new ArrayList<>();
        String onceNote = AT_ONCE + " at once";
        try {
            for (int i = 0; i < AT_ONCE; i++) {
                live.add(snapshot.restore());
            }
            List<Long> from = new ArrayList<>();
            for (Machine m : live) {
                from.add(Shell.sendWrite(m, WRITE_KIB));
            }
            for (int i = 0; i < live.size(); i++) {
                Shell.awaitWritten(live.get(i), from.get(i), "clone " + (i + 1) + " of " + AT_ONCE + " at once", TIMEOUT);
            }
            settle();
            double growth = (HostResources.rssAnon() - anon0) / MIB / AT_ONCE;
            double dirty = HostResources.cloneWrittenBytes() / MIB / AT_ONCE;
            samples.add(subject, "RssAnon growth, per live clone", "MiB", onceNote, growth);
            samples.add(subject, "guest RAM a clone wrote (its copy-on-write pages), per live clone", "MiB", onceNote, dirty);
            samples.add(subject, BEYOND_WRITTEN, "MiB", onceNote, growth - dirty);
            System.out.printf(Locale.ROOT, "  %d clones at once: RssAnon %+.2f MiB per clone, of which guest RAM"
                    + " written %.2f MiB, beyond it %.2f MiB%n", AT_ONCE, growth, dirty, growth - dirty);
        } finally {
            for (Machine m : live) {
                m.close();
            }
        }
        HostResources after = settled(before.engineThreads()).minus(before);
        String all = sequence + " in sequence and " + AT_ONCE + " at once, closed, against before them (the snapshot"
                + " open in both; the JVM had already run clones)";
        samples.add(subject, "RssAnon growth after closing every clone", "MiB", all,
                (HostResources.rssAnon() - anonBefore) / MIB);
        samples.add(subject, "open fds added", "fds", all, after.fds());
        samples.add(subject, "mappings added", "mappings", all + "; the JVM's heap and code cache add and remove some",
                after.maps());
        samples.add(subject, "tasks added", "tasks", all + "; the JVM's JIT and GC threads come and go", after.tasks());
        System.out.println("  after closing every clone (the snapshot still open), against before them: " + after);
    }

    /**
     * Waits (at most 10 s) until the closed machines' console and report threads have ended, which
     * they do on their own within a second or two, then settles.
     *
     * @return the counts then
     */
    private static HostResources settled(long engineThreads) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (HostResources.now().engineThreads() > engineThreads && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        settle();
        return HostResources.now();
    }

    /** Collects garbage and lets the collector's threads return freed memory before a reading. */
    private static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(500);
    }
}
