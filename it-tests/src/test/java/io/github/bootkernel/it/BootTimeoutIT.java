package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A guest that never prints the awaited line (a busybox shell waiting for input) fails its test in
 * bounded time, naming what was awaited and showing what arrived.
 */
@ExtendWith(StockKernelHost.class)
class BootTimeoutIT {

    @Test
    void bootTimeoutNamesWhatWasAwaitedAndShowsWhatArrived() {
        var events = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("bootkernel.fixture", "true")
                .selectors(selectClass(NeverReady.class))
                .execute()
                .testEvents();
        events.assertStatistics(stats -> stats.started(1).failed(1));
        events.assertThatEvents().haveExactly(1, finishedWithFailure(
                message(m -> m.contains("never-printed-line") && m.contains("still runs")
                        && m.contains("init: ready"))));
        String failure = events.failed().list().get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).map(Throwable::getMessage)
                .orElse("");
        System.out.println("boot timeout failure message:\n" + failure);
        assertThat(failure).contains("never-printed-line");
    }

    static boolean fixtureRun(ExtensionContext context) {
        return context.getConfigurationParameter("bootkernel.fixture").isPresent();
    }

    /** Run only through the test kit above. */
    @EnabledIf("io.github.bootkernel.it.BootTimeoutIT#fixtureRun")
    static class NeverReady {
        @Test
        void waitsForALineThatNeverComes(
                @BootKernel(initramfs = "busybox", cmdline = "quiet", awaitLine = "never-printed-line",
                        bootTimeout = 20) Guest guest) {
            throw new AssertionError("unreachable: the boot should have timed out");
        }
    }
}
