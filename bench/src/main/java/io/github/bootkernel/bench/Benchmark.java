package io.github.bootkernel.bench;

import io.github.bootkernel.bench.boot.CliCommand;
import io.github.bootkernel.bench.boot.QemuCommand;
import io.github.bootkernel.bench.report.MarkdownReport;
import io.github.bootkernel.bench.report.PerformanceDoc;
import io.github.bootkernel.bench.report.RunInfo;
import io.github.bootkernel.bench.report.TimeToInitChart;
import io.github.bootkernel.bench.sections.SuiteCost;
import io.github.bootkernel.bench.sections.TimeToInit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The benchmark's entry point ({@code bench/run}): checks the machine, runs the chosen sections
 * one after the other, prints every measurement as it comes, and writes the results block of
 * {@code docs/performance.md}, the chart {@code docs/performance-time-to-init.svg} beside it, and
 * every sample to {@code bench/target/bench-samples.tsv}, after each section (a run stopped from
 * outside keeps the sections it finished, its block naming those it did not run) and at the end.
 * A section that fails is reported and the others still run; the exit status is then 1.
 */
public final class Benchmark {

    /** The chart's file name, beside the document. */
    public static final String CHART = "performance-time-to-init.svg";
    /** The system property carrying the command as the user typed it (set by bench/run). */
    public static final String COMMAND_PROPERTY = "bench.command";
    /** A full run's repetitions, for the time estimate. */
    private static final int FULL_RUNS = 3;

    private Benchmark() {
    }

    /**
     * @param args see {@link BenchOptions#USAGE}
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        BenchOptions options;
        List<Section> sections;
        try {
            options = BenchOptions.parse(args);
            sections = Sections.select(options.sections());
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.list()) {
            sections.forEach(s -> System.out.println(Sections.key(s) + "\t" + s.name()));
            return;
        }
        Path cache = cache();
        Path jar = Path.of("engine", "target", "bootkernel.jar");
        List<String> problems = problems(cache, jar, options.kernels());
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("bench: " + p));
            System.exit(2);
            return;
        }
        Path work = Files.createTempDirectory("bootkernel-bench");
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long t0 = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> estimate = new ArrayList<>();
        double estimated = 0;
        try {
            BenchContext context = new BenchContext(options.runs(), cache, jar, work, Host.where(), options.kernels());
            System.out.println("bench: " + sections.size() + " sections, " + options.runs() + " runs, kernels "
                    + String.join(", ", options.kernels()) + ", on " + context.where());
            for (int i = 0; i < sections.size(); i++) {
                Section section = sections.get(i);
                System.out.println("== " + section.name());
                long s0 = System.nanoTime();
                try {
                    List<Row> got = section.run(context);
                    rows.addAll(got);
                } catch (Exception e) {
                    failures.add(section.name() + ": " + e);
                    System.out.println("== " + section.name() + " FAILED: " + e);
                    e.printStackTrace(System.out);
                }
                double took = (System.nanoTime() - s0) / 1e9;
                double full = took / repetitions(section, context) * repetitions(section, context.withRuns(FULL_RUNS));
                estimated += full;
                estimate.add(String.format(Locale.ROOT, "%s %.0f s (%d runs; %d runs ≈ %.0f s)", section.name(),
                        took, options.runs(), FULL_RUNS, full));
                System.out.printf(Locale.ROOT, "== %s took %.0f s%n", section.name(), took);
                if (i + 1 < sections.size()) {
                    // A checkpoint: a run stopped from outside (a time limit, a frozen nested VM) still
                    // leaves the sections it finished, marked as an unfinished run.
                    List<String> unfinished = new ArrayList<>(failures);
                    sections.subList(i + 1, sections.size()).forEach(later -> unfinished.add(later.name()
                            + ": not run yet when this block was written (the run was stopped before it ended)"));
                    publish(rows, runInfo(args, jar, sections, started, t0, unfinished), options, false);
                }
            }
        } finally {
            deleteTree(work);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        publish(rows, runInfo(args, jar, sections, started, t0, failures), options, true);
        System.out.println("bench: time per section: " + String.join("; ", estimate));
        System.out.printf(Locale.ROOT, "bench: this run took %.1f min; these sections with --runs %d ≈ %.1f min%n",
                seconds / 60, FULL_RUNS, estimated / 60);
        if (!failures.isEmpty()) {
            System.exit(1);
        }
    }

    private static RunInfo runInfo(String[] args, Path jar, List<Section> sections, Instant started, long t0,
            List<String> failures) {
        double seconds = (System.nanoTime() - t0) / 1e9;
        String command = System.getProperty(COMMAND_PROPERTY, "bench/run " + String.join(" ", args)).strip();
        List<String> machine = new ArrayList<>(Host.facts());
        machine.add("QEMU: " + qemuVersion());
        machine.add("bootkernel CLI launched as `" + CliCommand.describe(jar) + "`");
        machine.add("kvmtool: not a subject (Debian 12's archive, where the benchmark was built, has no kvmtool package)");
        return new RunInfo(command, machine, started.toString(), String.format(Locale.ROOT, "%.1f min", seconds / 60),
                failures, sections.stream().map(Section::name).toList());
    }

    /**
     * Writes the samples, the results block and the chart from the rows so far; {@code last} also
     * prints the block.
     */
    private static void publish(List<Row> rows, RunInfo info, BenchOptions options, boolean last) throws IOException {
        boolean chart = rows.stream().anyMatch(r -> r.metric().equals(TimeToInit.TO_INIT));
        String results = MarkdownReport.results(rows, info, chart ? Optional.of(CHART) : Optional.empty());
        if (last) {
            System.out.println();
            System.out.println(results);
        }
        writeSamples(rows);
        if (options.doc() != null) {
            Path doc = options.doc().toAbsolutePath();
            Files.createDirectories(doc.getParent());
            PerformanceDoc.write(doc, results);
            if (chart) {
                TimeToInitChart.write(rows, "Time to /init, median of " + options.runs() + " (" + Host.where() + ")",
                        doc.resolveSibling(CHART));
            }
            System.out.println("bench: wrote " + options.doc() + (chart ? " and " + doc.resolveSibling(CHART) : "")
                    + (last ? "" : " (so far)"));
        }
    }

    /** @return how many times {@code section} repeats its work in {@code context} */
    private static int repetitions(Section section, BenchContext context) {
        return section instanceof SuiteCost ? SuiteCost.runs(context) : context.runs();
    }

    private static Path cache() {
        String env = System.getenv("BOOTKERNEL_CACHE");
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "bootkernel");
    }

    /** @return what keeps the benchmark from running, one sentence each */
    static List<String> problems(Path cache, Path jar, List<String> kernels) {
        List<String> problems = new ArrayList<>();
        if (!Files.isReadable(Path.of("/dev/kvm")) || !Files.isWritable(Path.of("/dev/kvm"))) {
            problems.add("/dev/kvm is missing or not accessible: run on a machine with KVM");
        }
        if (!Files.isRegularFile(jar)) {
            problems.add("no " + jar + ": build first (mvn -B -o -q package -pl bench -am -DskipTests), "
                    + "from the repository's root");
        }
        for (String k : Stream.concat(kernels.stream(), Stream.of("busybox-static", "busybox-initramfs")).toList()) {
            if (!Files.isRegularFile(cache.resolve("latest").resolve(k))) {
                problems.add("no " + cache.resolve("latest").resolve(k) + ": fill the kernel cache first");
            }
        }
        if (qemuVersion().startsWith("not found")) {
            problems.add(QemuCommand.QEMU + " not found on PATH");
        }
        return problems;
    }

    private static String qemuVersion() {
        try {
            Process p = new ProcessBuilder(QemuCommand.QEMU, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out.lines().findFirst().orElse("unknown").strip();
        } catch (IOException e) {
            return "not found";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static void writeSamples(List<Row> rows) throws IOException {
        Path file = Path.of("bench", "target", "bench-samples.tsv");
        if (!Files.isDirectory(file.getParent())) {
            return;
        }
        StringBuilder tsv = new StringBuilder("section\tsubject\tmetric\tunit\twhere\tnote\tsamples\n");
        for (Row r : rows) {
            tsv.append(String.join("\t", r.section(), r.subject(), r.metric(), r.unit(), r.where(), r.note(),
                    r.samples().stream().map(d -> String.format(Locale.ROOT, "%.6f", d)).toList().toString()))
                    .append('\n');
        }
        Files.writeString(file, tsv, StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
