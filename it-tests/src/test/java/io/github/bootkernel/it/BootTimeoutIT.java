package io.github.bootkernel.it;

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
