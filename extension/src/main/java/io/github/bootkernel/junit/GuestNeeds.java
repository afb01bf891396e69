package io.github.bootkernel.junit;

import io.github.bootkernel.kernels.KernelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a guest needs from its kernel's configuration, checked before it boots, so that a kernel
 * that cannot run it fails at once, naming the option, instead of at a timeout with an empty
 * console. The options are the kernel's own ({@code drivers/tty/serial/8250/Kconfig},
 * {@code usr/Kconfig}); a kernel built without them boots silently or never reaches the guest's
 * {@code /init} or agent.
 */
final class GuestNeeds {

    /** {@code 8250.nr_uarts=N} (built in) or {@code 8250_core.nr_uarts=N}: the UARTs registered at runtime. */
    private static final Pattern NR_UARTS = Pattern.compile("(?:^|\\s)8250(?:_core)?\\.nr_uarts=(\\d+)(?=\\s|$)");

    private GuestNeeds() {
    }

    /**
     * Lists what a configuration lacks for a guest.
     *
     * @param config the kernel's configuration
     * @param initramfs whether the guest boots with an initramfs
     * @param agent whether its image starts the guest agent on the second UART
     * @param cmdline the words the guest adds to the default command line
     * @param cpus the guest's vCPUs
     * @return one line per unmet option, the option as needed first; empty when all hold
     */
    static List<String> unmet(KernelConfig config, boolean initramfs, boolean agent, String cmdline, int cpus) {
        List<String> unmet = new ArrayList<>();
        builtIn(config, "SERIAL_8250", "the 8250/16550 UART driver, built in: the guest's console is ttyS0, the"
                + " 16550 at 0x3f8", unmet);
        builtIn(config, "SERIAL_8250_CONSOLE", "the kernel console on an 8250 UART (console=ttyS0), which is"
                + " where bootkernel reads the guest's output", unmet);
        if (initramfs) {
            builtIn(config, "BLK_DEV_INITRD", "initramfs support, for the guest's initramfs", unmet);
        }
        if (agent) {
            secondUart(config, cmdline, unmet);
        }
        if (cpus > 1) {
            vcpus(config, cpus, unmet);
        }
        return unmet;
    }

    /**
     * Several vCPUs need an SMP kernel that takes that many ({@code arch/x86/Kconfig}): without
     * {@code SMP} the kernel runs on vCPU 0 alone, and it ignores the CPUs past {@code NR_CPUS}, so
     * the guest would quietly have fewer than the test asked for.
     */
    private static void vcpus(KernelConfig config, int cpus, List<String> unmet) {
        String why = "the guest has " + cpus + " vCPUs";
        if (!config.isBuiltIn("SMP")) {
            unmet.add("CONFIG_SMP=y (" + actual(config, "SMP") + "): " + why + ", and a kernel without SMP runs"
                    + " on the first alone");
            return;
        }
        OptionalLong max = config.number("NR_CPUS");
        if (max.isPresent() && max.getAsLong() < cpus) {
            unmet.add("CONFIG_NR_CPUS >= " + cpus + " (it is " + max.getAsLong() + "): " + why + ", and this kernel"
                    + " ignores the CPUs past its NR_CPUS");
        }
    }

    private static void builtIn(KernelConfig config, String symbol, String why, List<String> unmet) {
        if (!config.isBuiltIn(symbol)) {
            unmet.add("CONFIG_" + symbol + "=y (" + actual(config, symbol) + "): " + why);
        }
    }

    /**
     * The agent's UART is ttyS1: the 8250 driver registers {@code 8250.nr_uarts} UARTs, by default
     * {@code CONFIG_SERIAL_8250_RUNTIME_UARTS}, at most {@code CONFIG_SERIAL_8250_NR_UARTS}
     * ({@code drivers/tty/serial/8250/8250_core.c}).
     */
    private static void secondUart(KernelConfig config, String cmdline, List<String> unmet) {
        OptionalLong runtime = config.number("SERIAL_8250_RUNTIME_UARTS");
        OptionalLong compiled = config.number("SERIAL_8250_NR_UARTS");
        if (runtime.isEmpty() || compiled.isEmpty()) {
            return; // no 8250 driver: reported above
        }
        Long requested = null;
        Matcher words = NR_UARTS.matcher(cmdline);
        while (words.find()) {
            requested = Long.parseLong(words.group(1));
        }
        long registered = Math.min(requested != null ? requested : runtime.getAsLong(), compiled.getAsLong());
        if (registered >= 2) {
            return;
        }
        String why = "a second 8250 UART, ttyS1 at 0x2f8, for the guest agent that the guest's image starts"
                + " (Guest.exec and its siblings)";
        if (compiled.getAsLong() < 2) {
            unmet.add("CONFIG_SERIAL_8250_NR_UARTS >= 2 (it is " + compiled.getAsLong() + "): " + why);
        } else if (requested != null) {
            unmet.add("8250.nr_uarts >= 2 (the command line sets " + requested + "): " + why);
        } else {
            unmet.add("CONFIG_SERIAL_8250_RUNTIME_UARTS >= 2 (it is " + runtime.getAsLong() + "): " + why
                    + "; or add 8250.nr_uarts=2 to the command line (cmdline), which this kernel allows up to "
                    + compiled.getAsLong());
        }
    }

    /** The option's value in words: {@code it is m}, {@code it is not set}, {@code the configuration does not mention it}. */
    static String actual(KernelConfig config, String symbol) {
        return config.get(symbol)
                .map(value -> value.equals("n") ? "it is not set" : "it is " + value)
                .orElse("the configuration does not mention it");
    }
}
