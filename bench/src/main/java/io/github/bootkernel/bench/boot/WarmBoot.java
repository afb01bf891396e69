package io.github.bootkernel.bench.boot;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Boots a guest with {@link Machine#start} in this JVM and times it from that call: when the
 * console shows the init line and the last line ({@code Console.awaitLine}, which wakes as the
 * line completes), and when the guest ended.
 */
public final class WarmBoot {

    private WarmBoot() {
    }

    /**
     * @param what    the subject, for messages
     * @param config  the machine, booting {@link BenchImage}
     * @param timeout how long the whole boot may take
     * @return its times
     * @throws IOException when the guest shows no init line or does not end in time
     */
    public static BootTimes run(String what, MachineConfig config, Duration timeout)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        try (Machine machine = Machine.start(config)) {
            String init = machine.console().awaitLine(BenchImage::isInitLine, timeout)
                    .orElseThrow(() -> failed(what, "no init line", machine));
            double initLine = (System.nanoTime() - t0) / 1e9;
            machine.console().awaitLine(BenchImage::isLastLine, timeout)
                    .orElseThrow(() -> failed(what, "no last line", machine));
            double lastLine = (System.nanoTime() - t0) / 1e9;
            GuestExit exit = machine.awaitExit(timeout).orElseThrow(() -> failed(what, "no end", machine));
            double end = (System.nanoTime() - t0) / 1e9;
            if (exit.kind() != GuestExit.Kind.RESET && exit.kind() != GuestExit.Kind.POWEROFF) {
                throw failed(what, "ended as " + exit, machine);
            }
            return new BootTimes(initLine, BenchImage.uptime(init), OptionalDouble.of(lastLine), end,
                    OptionalLong.of(machine.exitCount()));
        }
    }

    private static IOException failed(String what, String why, Machine machine) {
        return new IOException(what + ": " + why + " within the time limit; console's last lines:\n    "
                + String.join("\n    ", machine.console().tail(20)));
    }
}
