/**
 * Device models reached through x86 port I/O: the 16550A UART, the i8042 (only its reset line),
 * a read-only CMOS clock and the exit-status port, and the port bus that routes accesses to them.
 * Not exported.
 *
 * <p>A device is a register state machine: {@code read(offset)}, {@code write(offset, value)}, an
 * interrupt line and sinks handed in. It never knows its port, KVM or a thread, so its tests run
 * anywhere. This package imports only the JDK (checked by {@code ArchitectureTest}).
 */
package io.github.bootkernel.engine.devices;
