package io.github.bootkernel.engine.devices;

/**
 * A device model reached through x86 port I/O, one byte at a time.
 *
 * <p>A device never knows which port it sits at: the wiring that places it on the bus hands it
 * offsets relative to its base port. The bus splits wider accesses into byte accesses.
 */
public interface PortDevice {

    /**
     * Reads one byte.
     *
     * @param offset offset from the device's base port, {@code 0 <= offset < size}
     * @return the byte read, in the low 8 bits
     */
    int read(int offset);

    /**
     * Writes one byte.
     *
     * @param offset offset from the device's base port, {@code 0 <= offset < size}
     * @param value the byte written, in the low 8 bits
     */
    void write(int offset, int value);
}
