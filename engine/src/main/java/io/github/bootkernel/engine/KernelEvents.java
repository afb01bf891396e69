package io.github.bootkernel.engine;

import java.util.function.Consumer;

/**
 * Watches console lines for the kernel's own account of how it ends: a panic, a power-off, a
 * halt. These are how a kernel without ACPI or pvpanic tells its monitor, so the machine ends
 * promptly instead of idling with interrupts off.
 *
 * <p>Matched as substrings, timestamps allowed: {@code Kernel panic - not syncing} (remembered:
 * the reset that {@code panic=-1} triggers then ends the guest as a panic), {@code ---[ end Kernel
 * panic} (ends it at once, for {@code panic=0}), {@code reboot: Power down} and
 * {@code reboot: System halted} (power-off).
 */
final class KernelEvents implements Consumer<String> {

    static final String PANIC = "Kernel panic - not syncing";
    static final String PANIC_END = "---[ end Kernel panic";
    static final String POWER_DOWN = "reboot: Power down";
    static final String HALTED = "reboot: System halted";

    private final Consumer<GuestExit> end;
    private volatile String panicLine;

    KernelEvents(Consumer<GuestExit> end) {
        this.end = end;
    }

    /** @return the first panic line seen, or null */
    String panicLine() {
        return panicLine;
    }

    @Override
    public void accept(String line) {
        if (panicLine == null && line.contains(PANIC)) {
            panicLine = line.substring(line.indexOf(PANIC));
        } else if (line.contains(PANIC_END)) {
            end.accept(GuestExit.of(GuestExit.Kind.PANIC, panicLine != null ? panicLine : line));
        } else if (line.contains(POWER_DOWN) || line.contains(HALTED)) {
            end.accept(GuestExit.of(GuestExit.Kind.POWEROFF, line.substring(line.indexOf("reboot:"))));
        }
    }
}
