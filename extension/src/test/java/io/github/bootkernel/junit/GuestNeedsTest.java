package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.KernelConfig;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GuestNeedsTest {

    /** The serial and initramfs lines of Debian's config-6.1.0-53-cloud-amd64 (6.1.187-1). */
    private static final KernelConfig DEBIAN_CLOUD = KernelConfig.parse("config-6.1.0-53-cloud-amd64", """
            CONFIG_BLK_DEV_INITRD=y
            CONFIG_SERIAL_8250=y
            CONFIG_SERIAL_8250_CONSOLE=y
            CONFIG_SERIAL_8250_NR_UARTS=32
            CONFIG_SERIAL_8250_RUNTIME_UARTS=4
            """);

    /** The same lines as a tiny build of linux-source-6.1 had them before tiny.config asked for two UARTs. */
    private static final KernelConfig TINY_ONE_UART = uarts("tiny/config", 1, 1);

    /** Two UARTs compiled in, one registered at runtime. */
    private static final KernelConfig TWO_COMPILED_ONE_AT_RUNTIME = uarts("c", 2, 1);

    /** Debian's lines with other UART counts. */
    private static KernelConfig uarts(String source, int compiled, int runtime) {
        return KernelConfig.parse(source, DEBIAN_CLOUD.values().entrySet().stream()
                .map(e -> "CONFIG_" + e.getKey() + "=" + switch (e.getKey()) {
                    case "SERIAL_8250_NR_UARTS" -> compiled;
                    case "SERIAL_8250_RUNTIME_UARTS" -> runtime;
                    default -> e.getValue();
                })
                .collect(Collectors.joining("\n")));
    }

    @Test
    void debiansKernelRunsEveryGuest() {
        assertThat(GuestNeeds.unmet(DEBIAN_CLOUD, true, true, "", 1)).isEmpty();
        assertThat(GuestNeeds.unmet(DEBIAN_CLOUD, true, true, "8250.nr_uarts=1 quiet 8250.nr_uarts=2", 1)).isEmpty();
    }

    @Test
    void theAgentNeedsASecondUart() {
        assertThat(GuestNeeds.unmet(TINY_ONE_UART, true, false, "", 1)).isEmpty();
        assertThat(GuestNeeds.unmet(TINY_ONE_UART, true, true, "8250.nr_uarts=2", 1)).singleElement().asString()
                .startsWith("CONFIG_SERIAL_8250_NR_UARTS >= 2 (it is 1): a second 8250 UART, ttyS1 at 0x2f8, for the"
                        + " guest agent");
        assertThat(GuestNeeds.unmet(TWO_COMPILED_ONE_AT_RUNTIME, false, true, "", 1)).singleElement().asString()
                .startsWith("CONFIG_SERIAL_8250_RUNTIME_UARTS >= 2 (it is 1): a second 8250 UART")
                .endsWith("or add 8250.nr_uarts=2 to the command line (cmdline), which this kernel allows up to 2");
        assertThat(GuestNeeds.unmet(TWO_COMPILED_ONE_AT_RUNTIME, false, true, "quiet 8250.nr_uarts=2", 1)).isEmpty();
        assertThat(GuestNeeds.unmet(TWO_COMPILED_ONE_AT_RUNTIME, false, true, "8250_core.nr_uarts=2", 1)).isEmpty();
        assertThat(GuestNeeds.unmet(DEBIAN_CLOUD, false, true, "8250.nr_uarts=1", 1)).singleElement().asString()
                .startsWith("8250.nr_uarts >= 2 (the command line sets 1)");
        assertThat(GuestNeeds.unmet(TWO_COMPILED_ONE_AT_RUNTIME, false, true, "x8250.nr_uarts=2", 1)).hasSize(1);
    }

    @Test
    void everyGuestNeedsTheSerialConsoleBuiltIn() {
        KernelConfig modular = KernelConfig.parse("c", """
                CONFIG_BLK_DEV_INITRD=y
                CONFIG_SERIAL_8250=m
                # CONFIG_SERIAL_8250_CONSOLE is not set
                CONFIG_SERIAL_8250_NR_UARTS=4
                CONFIG_SERIAL_8250_RUNTIME_UARTS=4
                """);

        assertThat(GuestNeeds.unmet(modular, false, false, "", 1)).containsExactly(
                "CONFIG_SERIAL_8250=y (it is m): the 8250/16550 UART driver, built in: the guest's console is ttyS0,"
                        + " the 16550 at 0x3f8",
                "CONFIG_SERIAL_8250_CONSOLE=y (it is not set): the kernel console on an 8250 UART (console=ttyS0),"
                        + " which is where bootkernel reads the guest's output");
    }

    @Test
    void aGuestWithAnInitramfsNeedsInitramfsSupport() {
        KernelConfig noInitrd = KernelConfig.parse("c", """
                CONFIG_SERIAL_8250=y
                CONFIG_SERIAL_8250_CONSOLE=y
                """);

        assertThat(GuestNeeds.unmet(noInitrd, false, false, "", 1)).isEmpty();
        assertThat(GuestNeeds.unmet(noInitrd, true, true, "", 1)).containsExactly(
                "CONFIG_BLK_DEV_INITRD=y (the configuration does not mention it): initramfs support, for the guest's"
                        + " initramfs");
    }

    @Test
    void severalVcpusNeedAnSmpKernelThatTakesThatMany() {
        KernelConfig up = KernelConfig.parse("tiny/config", DEBIAN_CLOUD.values().entrySet().stream()
                .map(e -> "CONFIG_" + e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"))
                + "\n# CONFIG_SMP is not set\nCONFIG_NR_CPUS=1\n");
        KernelConfig eight = KernelConfig.parse("c", "CONFIG_SERIAL_8250=y\nCONFIG_SERIAL_8250_CONSOLE=y\nCONFIG_SMP=y\n"
                + "CONFIG_NR_CPUS=8\n");

        assertThat(GuestNeeds.unmet(up, true, true, "", 1)).isEmpty();
        assertThat(GuestNeeds.unmet(up, true, true, "", 2)).containsExactly(
                "CONFIG_SMP=y (it is not set): the guest has 2 vCPUs, and a kernel without SMP runs on the first alone");
        assertThat(GuestNeeds.unmet(eight, false, false, "", 8)).isEmpty();
        assertThat(GuestNeeds.unmet(eight, false, false, "", 9)).containsExactly(
                "CONFIG_NR_CPUS >= 9 (it is 8): the guest has 9 vCPUs, and this kernel ignores the CPUs past its NR_CPUS");
    }
}
