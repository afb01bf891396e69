package io.github.bootkernel.junit;

import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.displayName;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.github.bootkernel.kernels.probe.ProbeKernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.Events;

/**
 * {@link RequiresKernelConfig} skips tests on kernels without the options. The kernels are the
 * probe, copied beside hand-written configurations, so the tests that run boot for real.
 */
class RequiresKernelConfigTest {

    @TempDir
    Path dir;

    /** The probe in its own directory, with a {@code config} beside it unless {@code config} is null. */
    private String kernel(String name, String config) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        if (config != null) {
            Files.writeString(home.resolve("config"), "CONFIG_SERIAL_8250=y\nCONFIG_SERIAL_8250_CONSOLE=y\n" + config);
        }
        return Files.copy(ProbeKernel.image(), home.resolve("bzImage")).toString();
    }

    private String[] kernels(String... more) throws IOException {
        String[] base = {Settings.KERNEL_ID_PREFIX + "with", kernel("with", "CONFIG_KUNIT=y\nCONFIG_KASAN=y\n"),
                Settings.KERNEL_ID_PREFIX + "without", kernel("without", "# CONFIG_KUNIT is not set\n"),
                Settings.KERNEL_ID_PREFIX + "bare", kernel("bare", null)};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void aTestIsSkippedOnAKernelWithoutTheOptionsNamingThem() throws IOException {
        Events events = TestKit.run(MethodRequirements.class, kernels(Settings.KERNEL, "without")).testEvents();

        events.assertThatEvents()
                .haveExactly(1, event(test("onWith"), finishedSuccessfully()))
                .haveExactly(1, event(test("onWithout"), skippedWithReason(r -> r.equals("kernel without lacks"
                        + " CONFIG_KUNIT (it is not set), required by @RequiresKernelConfig(CONFIG_KUNIT); its configuration: "
                        + dir.resolve("without/config").toAbsolutePath()))))
                .haveExactly(1, event(test("onTheConfiguredKernel"), skippedWithReason(r -> r.startsWith(
                        "kernel without lacks CONFIG_KUNIT (it is not set), CONFIG_KASAN=y (the configuration does not"
                                + " mention it), required by @RequiresKernelConfig(KUNIT, KASAN=y)"))))
                .haveExactly(1, event(test("onABareKernel"), skippedWithReason(r -> r.startsWith(
                        "the configuration of kernel bare is unknown, so @RequiresKernelConfig(KUNIT) cannot be shown to"
                                + " hold: no configuration file beside "))))
                .haveExactly(1, event(test("malformed"), finishedWithFailure(message(m -> m.contains(
                        "@RequiresKernelConfig(\"KUNIT TESTS\"): expected an option name")))));
    }

    @Test
    void eachRunOfAKernelMatrixDecidesForItself() throws IOException {
        Events events = TestKit.run(Matrix.class, kernels(Settings.KERNELS, "with,without")).allEvents();

        events.assertThatEvents()
                .haveExactly(1, event(test("booted"), finishedSuccessfully()))
                .haveExactly(1, event(container(), displayName("without"), abortedWithReason(message(m -> m.equals(
                        "kernel without lacks CONFIG_KUNIT (it is not set), required by @RequiresKernelConfig(KUNIT);"
                                + " its configuration: " + dir.resolve("without/config").toAbsolutePath())))))
                .haveExactly(1, event(container(), displayName("with"), finishedSuccessfully()));
        events.assertStatistics(s -> s.skipped(0));
    }

    @Test
    void eachRunOfAKernelTestDecidesForItself() throws IOException {
        Events events = TestKit.run(PerKernel.class, kernels(Settings.KERNELS, "with,without")).testEvents();

        events.assertThatEvents()
                .haveExactly(1, event(test(), displayName("with"), finishedSuccessfully()))
                .haveExactly(1, event(test(), displayName("without"), skippedWithReason(r -> r.startsWith(
                        "kernel without lacks CONFIG_KUNIT (it is not set)"))));
    }

    @TestKitOnly
    static class PerKernel {
        @KernelTest
        @RequiresKernelConfig("KUNIT")
        void booted(@BootKernel Guest guest) {
        }
    }

    @TestKitOnly
    static class MethodRequirements {
        @Test
        @RequiresKernelConfig("KUNIT")
        void onWith(@BootKernel(kernel = "with") Guest guest) {
        }

        @Test
        @RequiresKernelConfig("CONFIG_KUNIT")
        void onWithout(@BootKernel(kernel = "without") Guest guest) {
        }

        @Test
        @RequiresKernelConfig({"KUNIT", "KASAN=y"})
        void onTheConfiguredKernel() {
        }

        @Test
        @RequiresKernelConfig("KUNIT")
        void onABareKernel(@BootKernel(kernel = "bare") Guest guest) {
        }

        @Test
        @RequiresKernelConfig("KUNIT TESTS")
        void malformed() {
        }
    }

    @TestKitOnly
    @KernelMatrix
    @RequiresKernelConfig("KUNIT")
    static class Matrix {
        @BootKernel
        static Guest guest;

        @Test
        @RequiresKernelConfig("KASAN")
        void booted() {
        }
    }
}
