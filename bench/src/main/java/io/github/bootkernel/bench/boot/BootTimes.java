package io.github.bootkernel.bench.boot;

import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * When one boot reached its landmarks, in seconds from its start (a process's launch, or the call
 * to {@code Machine.start}).
 *
 * @param initLine the {@link BenchImage#INIT_LINE} arrived on the host
 * @param uptime   the guest's own uptime when it printed that line ({@code /proc/uptime}), seconds
 * @param lastLine the guest's last line ({@link BenchImage#LAST_LINE}) arrived; empty when the boot
 *     was stopped before it
 * @param end      the process ended, or the machine's guest ended
 * @param exits    VM exits to the monitor's user space during the boot, when the monitor says
 */
public record BootTimes(double initLine, double uptime, OptionalDouble lastLine, double end, OptionalLong exits) {

    /**
     * @param exits the VM exits
     * @return these times with that count
     */
    public BootTimes withExits(long exits) {
        return new BootTimes(initLine, uptime, lastLine, end, OptionalLong.of(exits));
    }

    /** @return seconds from the last line to the end, empty without a last line */
    public OptionalDouble lastLineToEnd() {
        return lastLine.isPresent() ? OptionalDouble.of(end - lastLine.getAsDouble()) : OptionalDouble.empty();
    }
}
