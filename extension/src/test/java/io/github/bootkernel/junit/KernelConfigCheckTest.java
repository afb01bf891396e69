package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.cause;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.github.bootkernel.kernels.probe.ProbeKernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.Events;

/**
 * A guest whose kernel's configuration lacks what it needs fails before it boots, naming the
 * option and the kernel; the kernel here is the probe, copied beside a hand-written {@code config},
 * so a guest that passes the check boots for real.
 */
class KernelConfigCheckTest {

    @TempDir
    Path dir;

    private String kernelWith(String config) throws IOException {
        Path kernel = Files.copy(ProbeKernel.image(), dir.resolve("bzImage"));
        Files.writeString(dir.resolve("config"), config);
        return kernel.toString();
    }

    @Test
    void aKernelWithoutTheSerialConsoleFailsBeforeBooting() throws IOException {
        String kernel = kernelWith("CONFIG_SERIAL_8250=y\n# CONFIG_SERIAL_8250_CONSOLE is not set\n");
        Path config = dir.resolve("config").toRealPath();

        Events events = TestKit.run(List.of(Guests.class, FieldGuest.class), Settings.KERNEL_ID_PREFIX + "checked",
                kernel).testEvents();

        events.assertThatEvents()
                .haveExactly(1, event(test("parameter"), finishedWithFailure(cause(
                        instanceOf(MissingKernelOptionException.class),
                        message(m -> m.startsWith("kernel checked cannot run the guest for parameter ")
                                && m.contains(" of " + Guests.class.getName() + ".parameter(Guest): its configuration ("
                                + config + ") lacks CONFIG_SERIAL_8250_CONSOLE=y (it is not"
                                + " set): the kernel console on an 8250 UART")
                                && m.endsWith("the guest was not started"))))))
                .haveExactly(1, event(test("field"), finishedWithFailure(instanceOf(MissingKernelOptionException.class),
                        message(m -> m.startsWith("kernel checked cannot run the guest for field "
                                + FieldGuest.class.getName() + ".guest: ")))));
    }

    @Test
    void theAgentsImageNeedsASecondUartUnlessTheCommandLineRegistersOne() throws IOException {
        String kernel = kernelWith("""
                CONFIG_BLK_DEV_INITRD=y
                CONFIG_SERIAL_8250=y
                CONFIG_SERIAL_8250_CONSOLE=y
                CONFIG_SERIAL_8250_NR_UARTS=2
                CONFIG_SERIAL_8250_RUNTIME_UARTS=1
                """);

        Events events = TestKit.run(AgentGuests.class, Settings.KERNEL_ID_PREFIX + "checked", kernel).testEvents();

        events.assertThatEvents()
                .haveExactly(1, event(test("withTheAgent"), finishedWithFailure(cause(
                        instanceOf(MissingKernelOptionException.class),
                        message(m -> m.contains("lacks CONFIG_SERIAL_8250_RUNTIME_UARTS >= 2 (it is 1)"))))))
                .haveExactly(1, event(test("withTheAgentAndTwoUartsOnTheCommandLine"), finishedSuccessfully()))
                .haveExactly(1, event(test("withoutTheAgent"), finishedSuccessfully()));
    }

    @Test
    void aVcpuCountTheMonitorRefusesIsSaidBeforeTheKernelsConfigurationIsChecked() throws IOException {
        String kernel = kernelWith("CONFIG_SERIAL_8250=y\nCONFIG_SERIAL_8250_CONSOLE=y\nCONFIG_SMP=y\nCONFIG_NR_CPUS=64\n");

        Events events = TestKit.run(TooManyVcpus.class, Settings.KERNEL_ID_PREFIX + "checked", kernel).testEvents();

        // Not "lacks CONFIG_NR_CPUS >= 65 ... Boot a kernel built with them": no kernel helps.
        events.assertThatEvents().haveExactly(1, event(test("parameter"), finishedWithFailure(message(m -> m.endsWith(
                ": @BootKernel on parameter #0 of " + TooManyVcpus.class.getName()
                        + ".parameter(Guest): cpus must be between 1 and 64, got 65")))));
    }

    @Test
    void theExceptionNamesKernelOptionsAndConfiguration() {
        MissingKernelOptionException e = new MissingKernelOptionException("tiny", List.of("A", "B"),
                "/c/config", "field X.g");

        assertThat(e.kernel()).isEqualTo("tiny");
        assertThat(e.options()).containsExactly("A", "B");
        assertThat(e.configuration()).isEqualTo("/c/config");
        assertThat(e).hasMessage("kernel tiny cannot run the guest for field X.g: its configuration (/c/config) lacks"
                + " A; and B. Boot a kernel built with them, or a guest that does not need them; the guest was not"
                + " started");
    }

    @TestKitOnly
    static class Guests {
        @Test
        void parameter(@BootKernel(kernel = "checked") Guest guest) {
        }
    }

    @TestKitOnly
    static class TooManyVcpus {
        @Test
        void parameter(@BootKernel(kernel = "checked", cpus = 65) Guest guest) {
        }
    }

    @TestKitOnly
    static class FieldGuest {
        @BootKernel(kernel = "checked")
        Guest guest;

        @Test
        void field() {
        }
    }

    @TestKitOnly
    static class AgentGuests {
        @Test
        void withTheAgent(@BootKernel(kernel = "checked", initramfs = "busybox") Guest guest) {
        }

        @Test
        void withTheAgentAndTwoUartsOnTheCommandLine(
                @BootKernel(kernel = "checked", initramfs = "busybox", cmdline = "8250.nr_uarts=2") Guest guest) {
        }

        @Test
        void withoutTheAgent(@BootKernel(kernel = "checked", initramfs = "") Guest guest) {
        }
    }
}
