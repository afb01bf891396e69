package io.github.bootkernel.junit;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.fileEntry;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.reportEntry;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** A failed test leaves the full console of its guests in the report directory, attached to the test. */
class FailureReportTest {

    @TempDir
    Path dir;

    @Test
    void failedTestWritesTheConsoleOfItsGuestsAndAttachesIt() throws IOException {
        Path reports = dir.resolve("reports");
        EngineExecutionResults results = TestKit.builder(Failing.class, Settings.REPORT_DIR, reports.toString())
                .outputDirectoryCreator(TestKit.outputDirectories(dir.resolve("output")))
                .execute();

        results.testEvents().assertStatistics(s -> s.succeeded(1).failed(1));
        String name = Failing.class.getName() + ".fails.log";
        Path report = reports.resolve(name);
        try (Stream<Path> files = Files.list(reports)) {
            assertThat(files).containsExactly(report);
        }
        String text = Files.readString(report);
        assertThat(text)
                .contains("deliberate failure")
                .contains("=== guest 'parameter #0 of " + Failing.class.getName() + ".fails(Guest)' (kernel probe)")
                .contains("cmdline: console=ttyS0 reboot=k panic=-1")
                .contains("probe.flood=40")
                .contains("end:     exit status 0")
                .contains("=== guest 'field " + Failing.class.getName() + ".shared (static)' (kernel probe)")
                .contains("probe: flood 1\nprobe: flood 2\n")
                .contains("probe: flood 40\n");
        results.allEvents().assertThatEvents()
                .haveExactly(1, event(test("fails"), fileEntry(f -> f.getPath().getFileName().toString().equals(name)
                        && contentEquals(f.getPath(), text))))
                .haveAtLeastOne(event(test("fails"), reportEntry(Map.of("bootkernel.console", report.toAbsolutePath().toString()))));
    }

    @Test
    void bootTimeoutNamesWhatWasAwaitedAndWhatArrived() throws IOException {
        Path reports = dir.resolve("reports");
        EngineExecutionResults results = TestKit.run(NeverReady.class, Settings.REPORT_DIR, reports.toString());

        results.containerEvents().assertThatEvents().haveExactly(1, event(container(NeverReady.class),
                finishedWithFailure(message(m -> m.contains("guest 'field " + NeverReady.class.getName()
                        + ".guest (static)' (kernel probe) did not boot (bootTimeout): expecting a line matching\n"
                        + "  /never printed/\nwithin 1 s, but none came: the guest still runs; it printed ")
                        && m.matches("(?s).*the guest still runs; it printed [1-9][0-9]* complete lines?\\..*")
                        && m.contains("  | probe: ready")
                        && m.contains("probe.hlt")))));
        assertThat(Files.readString(reports.resolve(NeverReady.class.getName() + ".log")))
                .contains("end:     still running")
                .contains("probe: ready\n");
    }

    private static boolean contentEquals(Path file, String text) {
        try {
            return Files.readString(file).equals(text);
        } catch (IOException e) {
            return false;
        }
    }

    @TestKitOnly
    static class Failing {
        @BootKernel(kernel = "probe", cmdline = "probe.hlt")
        static Guest shared;

        @Test
        void fails(@BootKernel(kernel = "probe", cmdline = "probe.flood=40") Guest guest) {
            assertThat(guest).endsWithin(Duration.ofSeconds(10));
            throw new AssertionError("deliberate failure");
        }

        @Test
        void passes(@BootKernel(kernel = "probe") Guest guest) {
            assertThat(guest.console()).emitsWithin(Duration.ofSeconds(10), "probe: done");
        }
    }

    @TestKitOnly
    static class NeverReady {
        @BootKernel(kernel = "probe", cmdline = "probe.hlt", awaitLine = "never printed", bootTimeout = 1)
        static Guest guest;

        @Test
        void test() {
        }
    }
}
