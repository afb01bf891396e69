package io.github.bootkernel.junit;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.test;

import io.github.bootkernel.engine.GuestExit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/**
 * The silence watchdog through {@code @BootKernel} and its configuration key, and the boot phases
 * as report entries and in the failure log; on the probe (any KVM).
 */
class GuestWatchTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void aGuestThatGoesQuietEndsAsSilentNamingItsLastLine(
            @BootKernel(kernel = "probe", cmdline = "probe.spin", silenceTimeout = 1) Guest guest) {
        assertThat(guest).endsWithin(WAIT).endedWith(GuestExit.Kind.SILENT);
        assertThat(guest.exit().orElseThrow().detail())
                .matches("no console output for 1 s; the last line, 1\\.[0-9] s ago: 'probe: ready'");
        assertThat(guest.config().silenceTimeout()).contains(Duration.ofSeconds(1));
    }

    @Test
    void offByDefault(@BootKernel(kernel = "probe", cmdline = "probe.spin") Guest guest) throws InterruptedException {
        assertThat(guest.config().silenceTimeout()).isEmpty();
        Thread.sleep(1200);
        assertThat(guest.exit()).isEmpty();
    }

    @Test
    void theConfigurationKeySetsItWhereTheAnnotationDoesNot() {
        EngineExecutionResults results = TestKit.run(QuietByKey.class, Settings.SILENCE_TIMEOUT, "1");
        results.testEvents().assertStatistics(s -> s.succeeded(1));
    }

    @Test
    void everyGuestsBootPhasesAreAReportEntryOfItsTestOrClass() {
        EngineExecutionResults results = TestKit.run(Phases.class);
        results.testEvents().assertStatistics(s -> s.succeeded(1));
        List<String> entries = results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs())
                .filter(m -> m.containsKey(PhaseReport.KEY)).map(m -> m.get(PhaseReport.KEY)).toList();
        assertThat(entries).hasSize(2);
        assertThat(entries).anySatisfy(e -> assertThat(e).matches(Pattern.quote("guest 'parameter #0 of " + Phases.class.getName()
                + ".test(Guest)' (kernel probe)") + ": monitor ready [0-9.]+ s, first console byte [0-9.]+ s,"
                + " ready line [0-9.]+ s"));
        assertThat(entries).anySatisfy(e -> assertThat(e).startsWith("guest 'field " + Phases.class.getName()
                + ".shared (static)' (kernel probe): monitor ready "));
        results.allEvents().assertThatEvents()
                .haveExactly(1, event(test("test"), new Condition<Event>(e -> e.getType() == EventType.REPORTING_ENTRY_PUBLISHED
                        && e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().containsKey(PhaseReport.KEY),
                        "a phases entry")))
                .haveExactly(1, event(container(Phases.class), new Condition<Event>(
                        e -> e.getType() == EventType.REPORTING_ENTRY_PUBLISHED
                        && e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().containsKey(PhaseReport.KEY),
                        "a phases entry")));
    }

    @Test
    void theFailureLogHasTheBootPhases() throws IOException {
        Path reports = dir.resolve("reports");
        TestKit.run(Failing.class, Settings.REPORT_DIR, reports.toString())
                .testEvents().assertStatistics(s -> s.failed(1));
        assertThat(Files.readString(reports.resolve(Failing.class.getName() + ".fails.log")))
                .containsPattern("\nphases:  monitor ready [0-9.]+ s, first console byte [0-9.]+ s, ready line [0-9.]+ s,"
                        + " end [0-9.]+ s \\(from the machine's start\\)\n")
                .contains("end:     SILENT: no console output for 1 s; the last line, ");
    }

    @TestKitOnly
    static class QuietByKey {
        @Test
        void test(@BootKernel(kernel = "probe", cmdline = "probe.spin") Guest guest) {
            assertThat(guest).endsWithin(WAIT).endedWith(GuestExit.Kind.SILENT);
        }
    }

    @TestKitOnly
    static class Phases {
        @BootKernel(kernel = "probe", cmdline = "probe.hlt")
        static Guest shared;

        @Test
        void test(@BootKernel(kernel = "probe", cmdline = "probe.spin", awaitLine = "^probe: ready$") Guest guest) {
            assertThat(shared).isNotNull();
            assertThat(guest.machine().bootPhases().readyLine()).isPresent();
        }
    }

    @TestKitOnly
    static class Failing {
        @Test
        void fails(@BootKernel(kernel = "probe", cmdline = "probe.spin", awaitLine = "probe: ready",
                silenceTimeout = 1) Guest guest) {
            assertThat(guest).endsWithin(WAIT).exitedWith(0);
        }
    }
}
