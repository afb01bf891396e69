package io.github.bootkernel.junit;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.kernels.probe.ProbeKernel;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Every wait of the engine and the extension ends when the guest does, not when its timeout
 * passes, and says how the guest ended. Each wait is given {@link #LONG} (60 s) on a probe guest
 * that ends within milliseconds (or at a 1 s time limit) and must return within {@link #PROMPTLY}.
 * The probe is a test double, not Linux; it runs on any KVM.
 */
@Timeout(120) // a regression shows as a failed bound, not as a hung build
class WaitsEndWithTheGuestTest {

    private static final Duration LONG = Duration.ofSeconds(60);
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    private static final String NEVER = "a line the probe never prints";

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    @Test
    void consoleAwaitLineEndsWithTheGuestAndTheConsoleSaysHowItEnded() throws Exception {
        try (Machine m = Machine.start(MachineConfig.builder(ProbeKernel.image()).appendCmdline(ProbeKernel.exit(3))
                .memoryMiB(32).build())) {
            long t0 = System.nanoTime();
            Optional<String> line = m.console().awaitLine(Pattern.compile(NEVER), LONG);

            assertThat(since(t0)).as("Console.awaitLine(60 s) on probe.exit=3").isLessThan(PROMPTLY);
            assertThat(line).isEmpty();
            assertThat(m.console().endReason()).contains("exit status 3");
            assertThat(m.console().lines()).contains("probe: ready");
        }
    }

    @Test
    void emitsWithinOnTheGuestsConsoleFailsWhenTheGuestEndsSayingHow(
            @BootKernel(kernel = "probe", cmdline = "probe.exit=3") Guest guest) {
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> assertThat(guest.console()).emitsWithin(LONG, NEVER))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("within 60 s, but none came: the guest ended first (exit status 3); it printed ")
                .hasMessageContaining("  | probe: ready");
        assertThat(since(t0)).as("emitsWithin(60 s) on probe.exit=3").isLessThan(PROMPTLY);
    }

    @Test
    void emitsWithinFailsWhenTheTimeLimitEndsTheGuest(
            @BootKernel(kernel = "probe", cmdline = "probe.hlt", timeout = 1) Guest guest) {
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> assertThat(guest.console()).emitsWithin(LONG, NEVER))
                .hasMessageContaining("but none came: the guest ended first (TIMEOUT: no end within 1 s)");
        assertThat(since(t0)).as("emitsWithin(60 s) on a guest with a 1 s limit").isLessThan(PROMPTLY);
    }

    @Test
    void guestAwaitExitReturnsWhenTheGuestEnds(@BootKernel(kernel = "probe", cmdline = "probe.exit=3") Guest guest)
            throws InterruptedException {
        long t0 = System.nanoTime();
        GuestExit exit = guest.awaitExit(LONG);

        assertThat(since(t0)).as("Guest.awaitExit(60 s)").isLessThan(PROMPTLY);
        assertThat(exit.status()).isEqualTo(3);
        assertThat(guest.console().isEnded()).as("the console is complete when awaitExit returns").isTrue();
    }

    @Test
    void endsWithinReturnsWhenTheGuestEnds(@BootKernel(kernel = "probe", cmdline = "probe.exit=3") Guest guest) {
        long t0 = System.nanoTime();
        assertThat(guest).endsWithin(LONG).exitedWith(3);

        assertThat(since(t0)).as("GuestAssert.endsWithin(60 s)").isLessThan(PROMPTLY);
    }

    @Test
    void theBootsReadyLineWaitFailsWhenTheGuestEndsSayingHow() {
        long t0 = System.nanoTime();
        EngineExecutionResults results = TestKit.run(EndsBeforeReady.class);
        Duration took = since(t0);

        results.testEvents().assertThatEvents().haveExactly(1, event(test("test"), finishedWithFailure(
                message(m -> m.contains("did not boot (bootTimeout): expecting a line matching\n  /" + NEVER + "/\n"
                        + "within 60 s, but none came: the guest ended first (exit status 3)")))));
        assertThat(took).as("the boot's ready-line wait (bootTimeout 60 s) on probe.exit=3").isLessThan(PROMPTLY);
    }

    @Test
    void aGuestThatStillRunsIsStillReportedAsRunning(@BootKernel(kernel = "probe", cmdline = "probe.hlt") Guest guest) {
        assertThatThrownBy(() -> assertThat(guest.console()).emitsWithin(Duration.ofMillis(200), NEVER))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("but none came: the guest still runs;");
    }

    @TestKitOnly
    static class EndsBeforeReady {
        @Test
        void test(@BootKernel(kernel = "probe", cmdline = "probe.exit=3", awaitLine = NEVER, bootTimeout = 60)
                Guest guest) {
        }
    }
}
