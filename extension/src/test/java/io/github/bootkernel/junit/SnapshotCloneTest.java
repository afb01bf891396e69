package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.github.bootkernel.engine.GuestExit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * {@code @BootKernel(fromSnapshot = true)} with the probe on the host's KVM: the probe is not Linux,
 * but it boots through the same path, prints a ready line and echoes its input from a polling loop,
 * which a snapshot freezes and a clone continues. A clone's console starts at the snapshot, so a
 * clone never shows the probe's boot lines; the template's boot is counted by its report entries
 * ({@code bootkernel.template}, one per boot) and by the snapshot each clone names.
 */
class SnapshotCloneTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void oneTemplatePerConfigurationIsBootedOnceAndEveryDeclarationGetsItsOwnClone() {
        OneTemplate.SEEN.clear();
        EngineExecutionResults results = TestKit.run(OneTemplate.class, Settings.REPORT_DIR, dir.toString());

        results.testEvents().assertStatistics(s -> s.started(3).succeeded(3));
        List<String> templates = entries(results, "bootkernel.template");
        assertThat(templates).as("one boot per configuration: 32 and 48 MiB").hasSize(2);
        assertThat(templates).anySatisfy(t -> assertThat(t).contains(", 32 MiB, 1 vCPU, ready line /probe: ready/")
                .contains("booted for field " + OneTemplate.class.getName() + ".shared (static) to its ready line in"));
        assertThat(templates).anySatisfy(t -> assertThat(t).contains(", 48 MiB, "));
        Map<String, String> seen = OneTemplate.SEEN;
        assertThat(seen).containsOnlyKeys("shared", "first", "second", "otherMemory");
        assertThat(seen.get("first")).as("the snapshot the clones name").startsWith("snapshot ")
                .isEqualTo(seen.get("second")).isEqualTo(seen.get("shared"));
        assertThat(seen.get("otherMemory")).startsWith("snapshot ").isNotEqualTo(seen.get("first"));
        assertThat(entries(results, PhaseReport.KEY)).allSatisfy(p -> assertThat(p)
                .contains(", a clone of template ").endsWith("(from its restore)"));
    }

    @Test
    void aDeclarationWithoutAwaitLineFailsNamingItself() {
        EngineExecutionResults results = TestKit.run(NoAwaitLine.class);

        results.containerEvents().assertThatEvents().haveExactly(1, event(container(NoAwaitLine.class),
                finishedWithFailure(instanceOf(ExtensionConfigurationException.class), message(m -> m.startsWith(
                        "@BootKernel(fromSnapshot = true) on field " + NoAwaitLine.class.getName() + ".guest (static)"
                                + " needs awaitLine")))));
        TestKit.run(NoAwaitLineParameter.class).testEvents().assertThatEvents().haveExactly(1, event(test("parameter"),
                finishedWithFailure(message(m -> m.contains("@BootKernel(fromSnapshot = true) on parameter #0 of "
                        + NoAwaitLineParameter.class.getName() + ".parameter(Guest) needs awaitLine")))));
    }

    @Test
    void aTemplateThatDoesNotBootFailsEveryTestThatAsksForItWithItsReasonAndBootsOnce() throws IOException {
        EngineExecutionResults results = TestKit.run(NeverReady.class, Settings.REPORT_DIR, dir.toString());

        results.testEvents().assertStatistics(s -> s.started(2).failed(2));
        String first = failure(results, "first");
        String second = failure(results, "second");
        Matcher template = Pattern.compile("template [0-9]+ \\(kernel probe\\)").matcher(first);
        assertThat(template.find()).as(first).isTrue();
        assertThat(first).contains(": " + template.group() + ", the template booted once for every clone of its"
                        + " configuration")
                .contains("did not boot (bootTimeout): expecting a line matching\n  /never printed/\nwithin 10 s, but"
                        + " none came: the guest ended first (TRIPLE_FAULT")
                .contains("  | probe: ready")
                .contains("The template's whole console: ");
        assertThat(second).contains("]: parameter #0 of " + NeverReady.class.getName() + ".second(Guest) is a clone of a"
                        + " template guest whose boot failed earlier in this run; it is not booted again: "
                        + template.group() + ", the template booted once")
                .contains("TRIPLE_FAULT");
        assertThat(entries(results, "bootkernel.template")).as("no template was snapshotted").isEmpty();
        try (Stream<Path> files = Files.list(dir.resolve("templates"))) {
            List<Path> consoles = files.toList();
            assertThat(consoles).as("one boot, one console").hasSize(1);
            assertThat(Files.readString(consoles.get(0))).contains("failed").contains("probe: ready\n");
            assertThat(first).contains(consoles.get(0).toAbsolutePath().toString());
        }
    }

    @Test
    void aFailedTestsReportSaysItsGuestWasACloneAndOfWhichSnapshot() throws IOException {
        EngineExecutionResults results = TestKit.run(FailingClone.class, Settings.REPORT_DIR, dir.toString());

        results.testEvents().assertStatistics(s -> s.failed(1));
        String report = Files.readString(dir.resolve(FailingClone.class.getName() + ".fails.log"));
        Matcher console = Pattern.compile("template console: (\\S+)\n").matcher(report);
        assertThat(console.find()).as(report).isTrue();
        assertThat(report)
                .contains("=== guest 'parameter #0 of " + FailingClone.class.getName() + ".fails(Guest)' (kernel probe,"
                        + " a clone of template ")
                .containsPattern("clone:   of template [0-9]+ \\(kernel probe\\): snapshot [0-9]+ of probe.bzImage \\(1 vCPU,"
                        + " 32 MiB\\), booted once for parameter #0 of " + Pattern.quote(FailingClone.class.getName())
                        + "\\.fails\\(Guest\\)\n")
                .containsPattern("template: kernel \\S+probe.bzImage \\([0-9]+ bytes, sha256 [0-9a-f]{12}\\.\\.\\.\\),"
                        + " initramfs none, cmdline 'console=ttyS0 [^']* probe.echo', 32 MiB, 1 vCPU, ready line"
                        + " /probe: ready/\n")
                .containsPattern("taken:   20[0-9-]+T[0-9:.]+Z, after a boot of [0-9.]+ s to the ready line \\(monitor"
                        + " ready [0-9.]+ s, first console byte [0-9.]+ s, ready line [0-9.]+ s, end [0-9.]+ s\\); the"
                        + " snapshot took [0-9.]+ s\n")
                .contains("(from the clone's restore)")
                .contains("the clone's line\n");
        assertThat(report).as("a clone's console starts at the snapshot").doesNotContain("probe: cmdline=");
        Path templateConsole = Path.of(console.group(1));
        assertThat(templateConsole).startsWith(dir.resolve("templates").toAbsolutePath());
        assertThat(Files.readString(templateConsole)).contains("probe: cmdline=").contains("probe: ready\n");
    }

    @Test
    void aClonesLifetimeLimitCountsFromItsRestore() {
        EngineExecutionResults results = TestKit.run(OwnLimits.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    }

    @Test
    void concurrentTestsAskingForOneTemplateBootItOnce() {
        Concurrent.SEEN.clear();
        Concurrent.allAsking = new CyclicBarrier(Concurrent.TESTS);
        EngineExecutionResults results = TestKit.run(Concurrent.class,
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", String.valueOf(Concurrent.TESTS));

        results.testEvents().assertStatistics(s -> s.started(Concurrent.TESTS).succeeded(Concurrent.TESTS));
        assertThat(entries(results, "bootkernel.template")).hasSize(1);
        assertThat(Concurrent.SEEN).hasSize(Concurrent.TESTS);
        assertThat(Concurrent.SEEN.stream().distinct()).hasSize(1);
    }

    private static List<String> entries(EngineExecutionResults results, String key) {
        return results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs())
                .filter(m -> m.containsKey(key)).map(m -> m.get(key)).toList();
    }

    private static String failure(EngineExecutionResults results, String test) {
        return results.testEvents().failed().stream()
                .filter(e -> e.getTestDescriptor().getDisplayName().startsWith(test + "("))
                .map(e -> e.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class).getThrowable()
                        .orElseThrow().getMessage())
                .findFirst().orElseThrow();
    }

    /** Types a line into a clone and finds its echo; the clone's console holds none of the template's boot. */
    static void echoes(Guest guest, String line) {
        guest.sendLine(line);
        GuestAssertions.assertThat(guest.console()).emitsWithin(WAIT, "^" + line + "$");
        assertThat(guest.console().lines()).as("a clone's console starts at the snapshot")
                .noneMatch(l -> l.startsWith("probe: "));
        assertThat(guest.clonedFrom()).isPresent();
    }

    @TestKitOnly
    static class OneTemplate {
        static final Map<String, String> SEEN = new ConcurrentHashMap<>();

        @BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready", memory = 32, fromSnapshot = true)
        static Guest shared;

        @Test
        void first(@BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready", memory = 32,
                fromSnapshot = true) Guest guest) throws InterruptedException {
            echoes(shared, "shared");
            SEEN.put("shared", shared.clonedFrom().orElseThrow());
            echoes(guest, "first");
            SEEN.put("first", guest.clonedFrom().orElseThrow());
            guest.send("\u0004");
            GuestAssertions.assertThat(guest).endsWithin(WAIT).exitedWith(0);
        }

        @Test
        void second(@BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready", memory = 32,
                fromSnapshot = true) Guest guest) {
            echoes(guest, "second");
            SEEN.put("second", guest.clonedFrom().orElseThrow());
        }

        @Test
        void otherMemory(@BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready", memory = 48,
                fromSnapshot = true) Guest guest) {
            echoes(guest, "other");
            SEEN.put("otherMemory", guest.clonedFrom().orElseThrow());
        }
    }

    @TestKitOnly
    static class NoAwaitLine {
        @BootKernel(kernel = "probe", fromSnapshot = true)
        static Guest guest;

        @Test
        void test() {
        }
    }

    @TestKitOnly
    static class NoAwaitLineParameter {
        @Test
        void parameter(@BootKernel(kernel = "probe", fromSnapshot = true) Guest guest) {
        }
    }

    @TestKitOnly
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class NeverReady {
        @Test
        @Order(1)
        void first(@BootKernel(kernel = "probe", cmdline = "probe.triple", awaitLine = "never printed", bootTimeout = 10,
                fromSnapshot = true) Guest guest) {
        }

        @Test
        @Order(2)
        void second(@BootKernel(kernel = "probe", cmdline = "probe.triple", awaitLine = "never printed", bootTimeout = 10,
                fromSnapshot = true) Guest guest) {
        }
    }

    @TestKitOnly
    static class FailingClone {
        @Test
        void fails(@BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready", memory = 32,
                fromSnapshot = true) Guest guest) {
            echoes(guest, "the clone's line");
            throw new AssertionError("deliberate failure");
        }
    }

    @TestKitOnly
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class OwnLimits {
        /** Boots the template, with the default lifetime limit (300 s). */
        @BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready", memory = 32, fromSnapshot = true)
        static Guest template;

        @Test
        @Order(1)
        void letsTwoSecondsPass() throws InterruptedException {
            Thread.sleep(2000);
        }

        @Test
        @Order(2)
        void aCloneWithALimitOfOneSecondRunsAfterItsRestoreAndEndsOneSecondLater(@BootKernel(kernel = "probe",
                cmdline = "probe.echo", awaitLine = "probe: ready", memory = 32, timeout = 1, fromSnapshot = true)
                Guest guest) throws InterruptedException {
            assertThat(guest.exit()).as("restored 2 s after the template's boot, alive").isEmpty();
            echoes(guest, "alive");
            GuestExit end = guest.awaitExit(WAIT);
            assertThat(end.kind()).isEqualTo(GuestExit.Kind.TIMEOUT);
            assertThat(guest.machine().bootPhases().end()).hasValueSatisfying(d ->
                    assertThat(d).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5)));
            assertThat(template.exit()).as("the class's clone keeps its own limit").isEmpty();
        }
    }

    @TestKitOnly
    @Execution(ExecutionMode.CONCURRENT)
    static class Concurrent {
        static final int TESTS = 4;
        static final List<String> SEEN = new CopyOnWriteArrayList<>();
        static volatile CyclicBarrier allAsking;

        @RepeatedTest(TESTS)
        void clone(@BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready", memory = 32,
                fromSnapshot = true) Guest guest) throws Exception {
            SEEN.add(guest.clonedFrom().orElseThrow());
            allAsking.await(30, TimeUnit.SECONDS); // all four clones exist at once
            echoes(guest, "clone-" + System.identityHashCode(guest));
        }
    }
}
