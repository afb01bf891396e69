package io.github.bootkernel.engine.devices;

/**
 * The interrupt output of a device model: one wire whose level the device drives.
 *
 * <p>A device calls {@link #set(boolean)} only when the level of its output changes, never twice in
 * a row with the same level (level-following, as kvmtool's devices do). The wiring turns each call
 * into a {@code KVM_IRQ_LINE} level change on the device's interrupt pin; because the legacy ISA pins
 * are edge-triggered, a new interrupt reaches the guest on each {@code false -> true} change.
 *
 * <p>Devices may call this method while holding their own lock, so that level changes reach the
 * line in the order they happen. Implementations must therefore return promptly and must never call
 * back into the device, directly or by waiting for a thread that does.
 */
@FunctionalInterface
public interface InterruptLine {

    /**
     * Drives the line to a new level.
     *
     * @param asserted {@code true} to raise the line (an interrupt is pending), {@code false} to lower
     *     it
     */
    void set(boolean asserted);
}
