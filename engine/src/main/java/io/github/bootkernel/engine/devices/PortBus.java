package io.github.bootkernel.engine.devices;

import java.util.BitSet;
import java.util.function.Consumer;

/**
 * Routes port I/O to the device placed at each port. Wider accesses are split into bytes,
 * little-endian: byte {@code b} of an access at {@code port} goes to {@code port + b}. String I/O
 * ({@code REP INS/OUTS}) repeats the access {@code count} times at the same port over
 * consecutive bytes of one array, the way {@code KVM_EXIT_IO} reports it. A port with no device
 * reads as all ones (an empty ISA bus) and ignores writes; the first access to each such port is
 * reported once through the log sink.
 */
public final class PortBus {

    private static final int PORTS = 0x10000;

    private final PortDevice[] devices = new PortDevice[PORTS];
    private final int[] bases = new int[PORTS];
    private final BitSet reported = new BitSet(PORTS);
    private final Consumer<String> log;

    /** @param log where "unhandled port" notes go, once per port */
    public PortBus(Consumer<String> log) {
        this.log = log;
    }

    /**
     * Places a device at {@code [base, base + size)}.
     *
     * @param base first port
     * @param size number of ports
     * @param device the device; it sees offsets 0..size-1
     * @return this
     * @throws IllegalArgumentException if the range overlaps another device or leaves the port space
     */
    public PortBus place(int base, int size, PortDevice device) {
        if (base < 0 || size <= 0 || size > PORTS - base) {
            throw new IllegalArgumentException("port range 0x" + Integer.toHexString(base) + "+" + size + " invalid");
        }
        for (int p = base; p < base + size; p++) {
            if (devices[p] != null) {
                throw new IllegalArgumentException("port 0x" + Integer.toHexString(p) + " already taken");
            }
        }
        for (int p = base; p < base + size; p++) {
            devices[p] = device;
            bases[p] = base;
        }
        return this;
    }

    /**
     * An {@code IN} or {@code REP INS}: {@code count} accesses of {@code size} bytes at
     * {@code port}, filling {@code data} access by access.
     *
     * @param port the port of each access
     * @param size bytes per access (1, 2 or 4)
     * @param count how many accesses
     * @param data receives the {@code size * count} bytes read
     * @throws IllegalArgumentException if {@code data} does not hold {@code size * count} bytes
     */
    public void in(int port, int size, int count, byte[] data) {
        checkData(size, count, data);
        int at = 0;
        for (int i = 0; i < count; i++) {
            for (int b = 0; b < size; b++) {
                data[at++] = (byte) readByte((port + b) & 0xffff);
            }
        }
    }

    /**
     * An {@code OUT} or {@code REP OUTS}: {@code count} accesses of {@code size} bytes at
     * {@code port}, taken from {@code data} access by access.
     *
     * @param port the port of each access
     * @param size bytes per access (1, 2 or 4)
     * @param count how many accesses
     * @param data the {@code size * count} bytes to write
     * @throws IllegalArgumentException if {@code data} does not hold {@code size * count} bytes
     */
    public void out(int port, int size, int count, byte[] data) {
        checkData(size, count, data);
        int at = 0;
        for (int i = 0; i < count; i++) {
            for (int b = 0; b < size; b++) {
                writeByte((port + b) & 0xffff, data[at++] & 0xff);
            }
        }
    }

    /**
     * A single {@code IN}.
     *
     * @param port the port
     * @param size access width in bytes (1, 2 or 4)
     * @return the value, little-endian across the bytes
     */
    public int read(int port, int size) {
        byte[] data = new byte[size];
        in(port, size, 1, data);
        int value = 0;
        for (int b = 0; b < size; b++) {
            value |= (data[b] & 0xff) << (8 * b);
        }
        return value;
    }

    /**
     * A single {@code OUT}.
     *
     * @param port the port
     * @param size access width in bytes (1, 2 or 4)
     * @param value the value, little-endian across the bytes
     */
    public void write(int port, int size, int value) {
        byte[] data = new byte[size];
        for (int b = 0; b < size; b++) {
            data[b] = (byte) (value >>> (8 * b));
        }
        out(port, size, 1, data);
    }

    private static void checkData(int size, int count, byte[] data) {
        if (size <= 0 || count < 0 || data.length != (long) size * count) {
            throw new IllegalArgumentException("port I/O of " + count + " x " + size
                    + " bytes needs an array of that many bytes, got " + data.length);
        }
    }

    private int readByte(int port) {
        PortDevice d = devices[port];
        if (d == null) {
            unhandled("read from", port);
            return 0xff;
        }
        return d.read(port - bases[port]);
    }

    private void writeByte(int port, int value) {
        PortDevice d = devices[port];
        if (d == null) {
            unhandled("write to", port);
            return;
        }
        d.write(port - bases[port], value);
    }

    private void unhandled(String what, int port) {
        boolean first;
        synchronized (reported) {
            first = !reported.get(port);
            reported.set(port);
        }
        if (first) {
            log.accept(String.format("unhandled port I/O: %s 0x%04x (reported once per port)", what, port));
        }
    }
}
