package io.github.bootkernel.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a guest's time went: when each phase of its boot was reached, counted from the call to
 * {@link Machine#start(MachineConfig)}. A snapshot: {@link Machine#bootPhases()} returns a new one
 * as phases are reached; a phase not reached (yet) is empty.
 *
 * <pre>{@code
 * machine.bootPhases().toString();
 * // "monitor ready 0.012 s, first console byte 0.031 s, Run /init 1.520 s, ready line 1.804 s, end 3.200 s"
 * }</pre>
 *
 * @param monitorReady the machine was built (KVM, guest memory, the kernel and initrd loaded, the
 *     vCPU set up) and its vCPU was about to enter the kernel
 * @param firstConsoleByte the guest wrote its first byte to the console
 * @param runInit the kernel's {@code Run /init as init process} line (whatever the init's path),
 *     which {@code init/main.c} prints at {@code KERN_INFO} since Linux 4.1: empty under
 *     {@code quiet}, which hides it, and before such a line
 * @param readyLine the first console line matching {@link MachineConfig#readyLine()}; empty
 *     without one
 * @param end the guest ended ({@link Machine#exit()})
 */
public record BootPhases(Duration monitorReady, Optional<Duration> firstConsoleByte, Optional<Duration> runInit,
                         Optional<Duration> readyLine, Optional<Duration> end) {

    /** Checks the fields. */
    public BootPhases {
        Objects.requireNonNull(monitorReady, "monitorReady");
        Objects.requireNonNull(firstConsoleByte, "firstConsoleByte");
        Objects.requireNonNull(runInit, "runInit");
        Objects.requireNonNull(readyLine, "readyLine");
        Objects.requireNonNull(end, "end");
    }

    /**
     * The phases reached, in order, each with its time in seconds to the millisecond:
     * {@code "monitor ready 0.012 s, first console byte 0.031 s, end 0.450 s"}.
     *
     * @return the phases in words
     */
    @Override
    public String toString() {
        List<String> reached = new ArrayList<>();
        reached.add(phase("monitor ready", monitorReady));
        firstConsoleByte.ifPresent(d -> reached.add(phase("first console byte", d)));
        runInit.ifPresent(d -> reached.add(phase("Run /init", d)));
        readyLine.ifPresent(d -> reached.add(phase("ready line", d)));
        end.ifPresent(d -> reached.add(phase("end", d)));
        return String.join(", ", reached);
    }

    private static String phase(String name, Duration at) {
        return String.format(Locale.ROOT, "%s %.3f s", name, at.toNanos() / 1e9);
    }
}
