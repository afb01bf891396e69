package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.Cache;
import io.github.bootkernel.kernels.probe.ProbeKernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Templates of {@code @BootKernel(fromSnapshot = true)} in the snapshot cache, with the probe on
 * the host's KVM. Each {@link TestKit} run is a new launcher run with its own root store, which is
 * what a new JVM sees: a template of an earlier run is not in memory, only in the cache's files.
 * A run boots the template when the report entry {@code bootkernel.template} says "booted for",
 * and loads it when it says "no boot, loaded from the snapshot cache".
 */
class TemplateFilesTest {

    private static final Pattern SAVED = Pattern.compile("; saved to the cache file (\\S+/snapshot\\.bin) in ");

    @TempDir
    Path dir;

    private Path cache() {
        return dir.resolve("cache");
    }

    private EngineExecutionResults run(Class<?> fixture, String... more) {
        List<String> parameters = new ArrayList<>(List.of(Settings.SNAPSHOT_CACHE, cache().toString(),
                Settings.REPORT_DIR, dir.resolve("report").toString(), Settings.KERNEL, TestKit.probePath()));
        parameters.addAll(List.of(more));
        return TestKit.run(fixture, parameters.toArray(String[]::new));
    }

    private static List<String> entries(EngineExecutionResults results, String key) {
        return results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs())
                .filter(m -> m.containsKey(key)).map(m -> m.get(key)).toList();
    }

    private static String template(EngineExecutionResults results) {
        List<String> templates = entries(results, "bootkernel.template");
        assertThat(templates).as("one template per run").hasSize(1);
        return templates.get(0);
    }

    /** @return the snapshot file the run's template was saved to */
    private static Path savedFile(EngineExecutionResults results) {
        String template = template(results);
        assertThat(template).contains(": booted for ");
        Matcher saved = SAVED.matcher(template);
        assertThat(saved.find()).as(template).isTrue();
        return Path.of(saved.group(1));
    }

    private List<Path> entryDirs() throws IOException {
        if (!Files.isDirectory(cache())) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(cache())) {
            return list.filter(p -> p.getFileName().toString().matches("t-[0-9a-f]{32}")).sorted().toList();
        }
    }

    @Test
    void aSecondRunLoadsTheFileItsFirstRunSavedInsteadOfBooting() throws IOException {
        EngineExecutionResults first = run(Cached.class);

        first.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        Path file = savedFile(first);
        assertThat(file).startsWith(cache().toAbsolutePath()).isRegularFile();
        assertThat(entryDirs()).containsExactly(file.getParent());
        assertThat(Files.readString(file.resolveSibling(SnapshotCache.KEY))).contains("cmdline: console=ttyS0 ")
                .contains(" probe.echo\n");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("r--r--r--"));
        FileTime written = Files.getLastModifiedTime(file);
        Files.setLastModifiedTime(file.getParent(), FileTime.from(Instant.now().minus(Duration.ofDays(1))));

        EngineExecutionResults second = run(Cached.class);

        second.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(template(second)).as("no boot in the second run")
                .matches("template [0-9]+ \\(kernel [^)]+\\): no boot, loaded from the snapshot cache in [0-9.]+ s:"
                        + " snapshot [0-9]+ of probe\\.bzImage \\(1 vCPU, 32 MiB, loaded from "
                        + Pattern.quote(file.toString()) + "\\), taken 20[-0-9T:.]+Z after a boot of [0-9.]+ s for"
                        + " parameter #0 of .*");
        assertThat(entries(second, Template.CACHE_ENTRY)).as("no warning").isEmpty();
        assertThat(Files.getLastModifiedTime(file)).as("the file is read, not written again").isEqualTo(written);
        assertThat(Files.getLastModifiedTime(file.getParent()).toInstant()).as("the load is a use")
                .isAfter(Instant.now().minus(Duration.ofMinutes(10)));
        assertThat(entryDirs()).containsExactly(file.getParent());
    }

    @Test
    void aChangedCommandLineOrKernelFileIsAnotherEntry() throws IOException {
        Path kernel = Files.copy(ProbeKernel.image(), dir.resolve("probe-copy.bzImage"));
        Path first = savedFile(run(Cached.class, Settings.KERNEL, kernel.toString()));

        Path otherCmdline = savedFile(run(OtherCmdline.class, Settings.KERNEL, kernel.toString()));
        // Bytes after the image change its SHA-256, not what boots.
        Files.write(kernel, new byte[512], StandardOpenOption.APPEND);
        EngineExecutionResults changed = run(Cached.class, Settings.KERNEL, kernel.toString());

        changed.testEvents().assertStatistics(s -> s.succeeded(2));
        Path otherKernel = savedFile(changed);
        assertThat(List.of(first.getParent(), otherCmdline.getParent(), otherKernel.getParent()))
                .doesNotHaveDuplicates();
        assertThat(entryDirs()).hasSize(3);
        assertThat(template(run(Cached.class, Settings.KERNEL, kernel.toString())))
                .contains(", loaded from " + otherKernel);
    }

    @Test
    void aDamagedFileIsReplacedWithAWarningAndTheTestsPass() throws IOException {
        Path file = savedFile(run(Cached.class));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try (var channel = Files.newByteChannel(file, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(file) / 2);
        }

        EngineExecutionResults damaged = run(Cached.class);

        damaged.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        List<String> warnings = entries(damaged, Template.CACHE_ENTRY);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).startsWith("the snapshot cache file " + file + " cannot be used (")
                .endsWith("; its entry is deleted and the template boots and is saved anew");
        assertThat(savedFile(damaged)).as("booted and saved anew").isEqualTo(file);
        assertThat(template(run(Cached.class))).contains(", loaded from " + file);
    }

    @Test
    void withTheCacheOffNoFileIsReadOrWritten() throws IOException {
        Path defaultDir = Cache.root().resolve(Settings.SNAPSHOT_CACHE_DIR);
        List<Path> before = list(defaultDir);

        EngineExecutionResults off = TestKit.run(Cached.class, Settings.SNAPSHOT_CACHE, "false", Settings.REPORT_DIR,
                dir.resolve("report").toString(), Settings.KERNEL, TestKit.probePath());

        off.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(template(off)).contains(": booted for ").doesNotContain("cache file");
        assertThat(entries(off, Template.CACHE_ENTRY)).isEmpty();
        assertThat(list(defaultDir)).isEqualTo(before);
        assertThat(cache()).doesNotExist();
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.sorted().toList();
        }
    }

    @Test
    void aSaveKeepsTheSixteenMostRecentlyUsedEntriesAndDropsOnesUnusedForFourteenDays() throws IOException {
        Files.createDirectories(cache());
        Instant now = Instant.now();
        List<Path> others = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            Path entry = Files.createDirectory(cache().resolve("t-" + String.format("%032x", i)));
            Files.writeString(entry.resolve(SnapshotCache.SNAPSHOT), "an older run's " + i);
            Duration age = i == 16 ? Duration.ofDays(15) : Duration.ofDays(1).plusHours(i);
            Files.setLastModifiedTime(entry, FileTime.from(now.minus(age)));
            others.add(entry);
        }

        Path saved = savedFile(run(Cached.class));

        assertThat(template(run(Cached.class))).contains(", loaded from " + saved);
        assertThat(entryDirs()).hasSize(SnapshotCache.MAX_ENTRIES).contains(saved.getParent())
                .doesNotContain(others.get(15), others.get(16)).containsAll(others.subList(0, 15));
    }

    @Test
    void twoLauncherRunsMissingTogetherBootOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<EngineExecutionResults> a = pool.submit(() -> run(Cached.class));
            Future<EngineExecutionResults> b = pool.submit(() -> run(Cached.class));
            List<String> templates = List.of(template(a.get(2, TimeUnit.MINUTES)), template(b.get(2, TimeUnit.MINUTES)));

            assertThat(templates).filteredOn(t -> t.contains(": booted for ")).hasSize(1);
            assertThat(templates).filteredOn(t -> t.contains(": no boot, loaded from the snapshot cache in ")).hasSize(1);
            assertThat(a.get().testEvents().succeeded().count() + b.get().testEvents().succeeded().count()).isEqualTo(4);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
    }

    @Test
    void aFailedClonesReportNamesTheFileItsTemplateWasLoadedFromAndItsSavedConsole() throws IOException {
        Path file = savedFile(run(Cached.class));

        EngineExecutionResults results = run(SnapshotCloneTest.FailingClone.class);

        results.testEvents().assertStatistics(s -> s.failed(1));
        String report = Files.readString(dir.resolve("report")
                .resolve(SnapshotCloneTest.FailingClone.class.getName() + ".fails.log"));
        assertThat(report)
                .containsPattern("clone:   of template [0-9]+ \\(kernel probe\\): snapshot [0-9]+ of probe.bzImage \\(1"
                        + " vCPU, 32 MiB, loaded from " + Pattern.quote(file.toString()) + "\\), loaded in [0-9.]+ s from"
                        + " the snapshot cache; its boot was for parameter #0 of " + Pattern.quote(Cached.class.getName())
                        + "\\.first\\(Guest\\)\n")
                .containsPattern("taken:   20[0-9-]+T[0-9:.]+Z, after a boot of [0-9.]+ s to the ready line \\(monitor"
                        + " ready [0-9.]+ s, .*\\); the snapshot took [0-9.]+ s; saved to the cache then, by an earlier"
                        + " run\n");
        Matcher console = Pattern.compile("template console: (\\S+) \\(from the cache entry\\)\n").matcher(report);
        assertThat(console.find()).as(report).isTrue();
        assertThat(Files.readString(Path.of(console.group(1)))).contains("# loaded from the cache file " + file)
                .contains("probe: cmdline=").contains("probe: ready\n");
    }

    @Test
    void aTemplateWhoseBootPrintedAKernelReportIsNotSavedAndEveryRunSeesItsReport() throws IOException {
        for (int run = 0; run < 2; run++) {
            EngineExecutionResults results = run(ReportingTemplate.class);

            results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
            assertThat(template(results)).as("run %d", run).contains(": booted for ")
                    .endsWith("; not saved to the snapshot cache: its boot printed 1 kernel report, which each run sees"
                            + " from its own boot");
            assertThat(entryDirs()).isEmpty();
        }
    }

    /** Two clones of the probe ({@code bootkernel.kernel}), one template. */
    @TestKitOnly
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class Cached {
        @Test
        void first(@BootKernel(cmdline = "probe.echo", awaitLine = "probe: ready", memory = 32,
                fromSnapshot = true) Guest guest) {
            SnapshotCloneTest.echoes(guest, "first");
        }

        @Test
        void second(@BootKernel(cmdline = "probe.echo", awaitLine = "probe: ready", memory = 32,
                fromSnapshot = true) Guest guest) {
            SnapshotCloneTest.echoes(guest, "second");
        }
    }

    @TestKitOnly
    static class OtherCmdline {
        @Test
        void test(@BootKernel(cmdline = "probe.echo other.word=1", awaitLine = "probe: ready",
                memory = 32, fromSnapshot = true) Guest guest) {
            SnapshotCloneTest.echoes(guest, "other");
        }
    }

    /**
     * The probe echoes its command line, so the line {@code probe: cmdline=... worker invoked
     * oom-killer: ...} is in its boot, before the ready line: an OOM report's header.
     */
    @TestKitOnly
    static class ReportingTemplate {
        @Test
        void test(@BootKernel(cmdline = "probe.echo worker invoked oom-killer: gfp_mask=0x0", awaitLine = "probe: ready",
                memory = 32, failOnReports = "none", fromSnapshot = true) Guest guest) {
            assertThat(guest.kernelReports()).as("the template's report, in its clone").hasSize(1);
        }
    }
}
