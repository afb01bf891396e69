package io.github.bootkernel.engine.devices;

/**
 * The bare minimum of an i8042 keyboard controller for a guest without a keyboard: the status
 * register always reads "both buffers empty" so the kernel never waits on it, and the pulse-reset
 * command 0xFE (what Linux's {@code reboot=k} sends) resets the machine.
 *
 * <p>Offsets: 0 is the data port, 4 is the status/command port.
 */
public final class I8042 implements PortDevice {

    /** Offset of the data register. */
    public static final int DATA = 0;
    /** Offset of the status (read) and command (write) register. */
    public static final int COMMAND = 4;
    /** The command that pulses the CPU reset line. */
    public static final int CMD_RESET = 0xfe;

    private final Runnable reset;

    /** @param reset called on the vCPU thread when the guest asks for a reset */
    public I8042(Runnable reset) {
        this.reset = reset;
    }

    @Override
    public int read(int offset) {
        // Status: output buffer empty, input buffer empty, system flag clear. Data: nothing.
        return 0;
    }

    @Override
    public void write(int offset, int value) {
        if (offset == COMMAND && (value & 0xff) == CMD_RESET) {
            reset.run();
        }
    }
}
