package io.github.bootkernel.junit;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.Events;

/**
 * {@code @BootKernel(cpus = N)} and {@code bootkernel.cpus}, on the probe (not Linux: it runs on
 * vCPU 0 and never starts the others, which wait for a start-up IPI until the guest ends). That
 * Linux starts them is the nested VM's {@code SmpIT}'s to show.
 */
class GuestCpusTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void oneVcpuByDefault(@BootKernel(kernel = "probe", cmdline = "probe.exit=0") Guest guest) {
        assertThat(guest.config().cpus()).isEqualTo(1);
        assertThat(guest).endsWithin(WAIT).exitedWith(0);
    }

    @Test
    void theAnnotationSetsTheVcpus(@BootKernel(kernel = "probe", cmdline = "probe.exit=0", cpus = 4) Guest guest) {
        assertThat(guest.config().cpus()).isEqualTo(4);
        assertThat(guest).endsWithin(WAIT).exitedWith(0);
    }

    @Test
    void theConfigurationKeySetsThemWhereTheAnnotationDoesNot() {
        TestKit.run(ByKey.class, Settings.CPUS, " 3 ").testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    }

    @ParameterizedTest(name = "bootkernel.cpus={0}")
    @ValueSource(strings = {"0", "65", "-1", "four", "2.5"})
    void aConfigurationKeyOutOfRangeNamesTheKeyAndTheValue(String value) {
        Events events = TestKit.run(ByKey.class, Settings.CPUS, value).testEvents();

        // JUnit wraps the extension's ExtensionConfigurationException into a ParameterResolutionException.
        events.assertThatEvents().haveExactly(1, event(test("byTheKey"), finishedWithFailure(message(m -> m.endsWith(
                ": bootkernel.cpus must be a number of vCPUs from 1 to 64, not '" + value + "'")))));
    }

    @Test
    void anAnnotatedCountOutOfRangeNamesTheDeclarationAndTheRange() {
        Events events = TestKit.run(TooMany.class).testEvents();

        events.assertThatEvents().haveExactly(1, event(test("test"), finishedWithFailure(message(m -> m.endsWith(
                ": @BootKernel on parameter #0 of " + TooMany.class.getName()
                        + ".test(Guest): cpus must be between 1 and 64, got 65")))));
    }

    @Test
    void theFailureLogSaysHowManyVcpus() throws IOException {
        Path reports = dir.resolve("reports");
        TestKit.run(Failing.class, Settings.REPORT_DIR, reports.toString()).testEvents().assertStatistics(s -> s.failed(1));

        assertThat(Files.readString(reports.resolve(Failing.class.getName() + ".fails.log")))
                .contains("\nmemory:  256 MiB\ncpus:    2 vCPUs\n");
    }

    @TestKitOnly
    static class ByKey {
        @Test
        void byTheKey(@BootKernel(kernel = "probe", cmdline = "probe.hlt") Guest guest) {
            assertThat(guest.config().cpus()).isEqualTo(3);
        }

        @Test
        void theAnnotationWins(@BootKernel(kernel = "probe", cmdline = "probe.hlt", cpus = 2) Guest guest) {
            assertThat(guest.config().cpus()).isEqualTo(2);
        }
    }

    @TestKitOnly
    static class TooMany {
        @Test
        void test(@BootKernel(kernel = "probe", cpus = 65) Guest guest) {
        }
    }

    @TestKitOnly
    static class Failing {
        @Test
        void fails(@BootKernel(kernel = "probe", cmdline = "probe.hlt", cpus = 2) Guest guest) {
            throw new AssertionError("deliberate failure");
        }
    }
}
