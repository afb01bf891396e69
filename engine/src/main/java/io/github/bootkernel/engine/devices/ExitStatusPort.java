package io.github.bootkernel.engine.devices;

import java.util.function.IntConsumer;

/**
 * A one-byte port through which the guest reports its exit status: writing N ends the machine
 * with status N. Reads return 0. Offset 0 only.
 */
public final class ExitStatusPort implements PortDevice {

    private final IntConsumer exit;

    /** @param exit called on the vCPU thread with the status byte */
    public ExitStatusPort(IntConsumer exit) {
        this.exit = exit;
    }

    @Override
    public int read(int offset) {
        return 0;
    }

    @Override
    public void write(int offset, int value) {
        exit.accept(value & 0xff);
    }
}
