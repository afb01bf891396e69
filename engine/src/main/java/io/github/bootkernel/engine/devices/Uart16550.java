package io.github.bootkernel.engine.devices;

import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * A 16550A UART as a pure register state machine, good enough for Linux's 8250 driver
 * ({@code console=ttyS0}) with interrupts on.
 *
 * <p>The UART knows neither its port nor its IRQ: it sees register offsets 0..7, drives an
 * {@link InterruptLine}, hands every byte the guest transmits to an output sink, and takes
 * host-to-guest bytes through {@link #enqueueInput(byte[], int, int)}.
 *
 * <p>What is modelled, and what is simplified:
 *
 * <ul>
 *   <li>A byte written to THR is transmitted at once, so THR and the transmitter are always empty
 *       (LSR THRE and TEMT always set). The THRE interrupt behaves as on a real 16550: it becomes
 *       pending when ETBEI is enabled (THR being empty), is acknowledged by reading IIR while it is
 *       the reported source, and pends again after every THR write.
 *   <li>Host bytes wait in a bounded queue of {@link #INPUT_QUEUE_CAPACITY} bytes and move into the
 *       16-byte receive FIFO (one byte when FIFOs are disabled) as the guest reads RBR, so none is
 *       lost or reordered. The receive interrupt pends whenever data is ready (a trigger level of
 *       one byte), so no character-timeout interrupt is needed. When host bytes may enter the FIFO
 *       at all is the {@link HostInput} policy given at construction.
 *   <li>Clearing the receive FIFO (FCR bit 1, or toggling FCR bit 0) discards only the bytes in the
 *       FIFO, as on hardware; bytes still in the host queue follow. Linux clears the FIFO and reads
 *       RBR while it opens the port, so with {@link HostInput#ON_ARRIVAL} bytes sent before the
 *       driver listens are lost; {@link HostInput#WHEN_LISTENING} holds them until it does.
 *   <li>In loopback mode (MCR bit 4) THR bytes go into the receive FIFO instead of the sink (an
 *       overflow sets LSR overrun, the only line error ever reported), host bytes stay queued until
 *       loopback ends, and MSR mirrors MCR: CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2. Outside loopback
 *       DCD, DSR and CTS are asserted. Changes of these lines set the MSR delta bits.
 *   <li>Divisor latch and LCR are stored and read back but have no effect on timing. The interrupt
 *       output is not gated by MCR OUT2. Writes to unsupported bits or read-only registers are
 *       ignored.
 * </ul>
 *
 * <p>Threading: {@link #read}, {@link #write} (the vCPU thread) and {@link #enqueueInput} (any
 * thread) may run concurrently; all state is guarded by one private lock. The {@link InterruptLine}
 * is called while that lock is held, so level changes reach it in order; it must not call back into
 * this UART. The output sink is called after the lock is released, on the thread that wrote THR, so
 * it may block or enqueue input.
 */
public final class Uart16550 implements PortDevice {

    /** Number of byte registers the UART occupies: offsets {@code 0..7}. */
    public static final int REGISTER_COUNT = 8;

    /**
     * When bytes the host queued may enter the receive FIFO, where the guest sees them and where a
     * FIFO clear discards them.
     */
    public enum HostInput {
        /**
         * As soon as the FIFO has room, like bytes arriving on a wire: what real hardware does. A
         * guest that polls LSR without ever enabling interrupts receives them.
         */
        ON_ARRIVAL,
        /**
         * Only while the guest listens: while the received-data interrupt is enabled (IER bit 0,
         * ERBFI), and only when the guest looks for data (reads RBR, LSR or IIR). Until then the
         * bytes stay in the host queue, safe from FIFO clears, and the receive interrupt pends as
         * soon as ERBFI is set. Handing bytes over at the look, not when ERBFI is set, matters:
         * Linux's 8250 driver (drivers/tty/serial/8250/8250_port.c, 6.1) sets IER to 0x0F in its
         * probe ({@code autoconfig}) only to read IER back, and {@code serial8250_do_set_termios}
         * sets ERBFI just before the FIFO enable that clears the FIFO; it reads RBR, LSR or IIR
         * with ERBFI set only once the port is open. So nothing queued before the driver listens is
         * lost. A guest that polls must set ERBFI to receive anything (keeping its own interrupts
         * off, if it wants none delivered).
         */
        WHEN_LISTENING
    }

    /** How many host-to-guest bytes may wait in the host-side queue, beyond the receive FIFO. */
    public static final int INPUT_QUEUE_CAPACITY = 64 * 1024;

    private static final int RX_FIFO_SIZE = 16;
    private static final int NOTHING_SENT = -1;

    // Register offsets. Offsets 0 and 1 are the divisor latch while LCR.DLAB is set.
    private static final int DATA = 0; // read: RBR, write: THR; DLL with DLAB
    private static final int IER = 1; // DLM with DLAB
    private static final int IIR_FCR = 2; // read: IIR, write: FCR
    private static final int LCR = 3;
    private static final int MCR = 4;
    private static final int LSR = 5;
    private static final int MSR = 6;
    private static final int SCR = 7;

    private static final int IER_RECEIVED_DATA = 0x01; // ERBFI
    private static final int IER_THR_EMPTY = 0x02; // ETBEI
    private static final int IER_LINE_STATUS = 0x04; // ELSI
    private static final int IER_MODEM_STATUS = 0x08; // EDSSI
    private static final int IER_WRITABLE = 0x0F;

    // IIR interrupt identification, highest priority first.
    private static final int IIR_LINE_STATUS = 0x06;
    private static final int IIR_RECEIVED_DATA = 0x04;
    private static final int IIR_THR_EMPTY = 0x02;
    private static final int IIR_MODEM_STATUS = 0x00;
    private static final int IIR_NONE = 0x01;
    private static final int IIR_FIFOS_ENABLED = 0xC0;

    private static final int FCR_ENABLE_FIFOS = 0x01;
    private static final int FCR_CLEAR_RX = 0x02;
    // FCR bit 2 clears the transmit FIFO, which is always empty here.

    private static final int LCR_DLAB = 0x80;

    private static final int MCR_DTR = 0x01;
    private static final int MCR_RTS = 0x02;
    private static final int MCR_OUT1 = 0x04;
    private static final int MCR_OUT2 = 0x08;
    private static final int MCR_LOOP = 0x10;
    private static final int MCR_WRITABLE = 0x1F;

    private static final int LSR_DATA_READY = 0x01;
    private static final int LSR_OVERRUN = 0x02;
    private static final int LSR_THR_EMPTY = 0x20;
    private static final int LSR_TRANSMITTER_EMPTY = 0x40;

    private static final int MSR_CTS = 0x10;
    private static final int MSR_DSR = 0x20;
    private static final int MSR_RI = 0x40;
    private static final int MSR_DCD = 0x80;

    private final InterruptLine irq;
    private final IntConsumer output;
    private final HostInput hostInput;
    private final Object lock = new Object();

    // Everything below is guarded by lock.
    private final ByteRing hostQueue = new ByteRing(INPUT_QUEUE_CAPACITY);
    private final ByteRing rxFifo = new ByteRing(RX_FIFO_SIZE);
    private int divisorLow = 0x0C; // 115200 / 12 = 9600 baud, the usual power-on setting
    private int divisorHigh;
    private int ier;
    private int lcr;
    private int mcr;
    private int scratch;
    private boolean fifosEnabled;
    private boolean thrEmptyPending; // only ever true while ETBEI is enabled
    private int lineErrors; // LSR error bits, cleared by reading LSR
    private int modemDeltas; // MSR bits 0-3, cleared by reading MSR
    private boolean irqLevel;

    /**
     * Creates a UART in its power-on state (no interrupts enabled, FIFOs off, line lowered) whose
     * host bytes enter the receive FIFO {@link HostInput#ON_ARRIVAL}, as on hardware.
     *
     * @param irq the interrupt output; called only when its level changes
     * @param output receives each byte the guest transmits (0..255), in order
     */
    public Uart16550(InterruptLine irq, IntConsumer output) {
        this(irq, output, HostInput.ON_ARRIVAL);
    }

    /**
     * Creates a UART in its power-on state: no interrupts enabled, FIFOs off, line lowered.
     *
     * @param irq the interrupt output; called only when its level changes
     * @param output receives each byte the guest transmits (0..255), in order
     * @param hostInput when queued host bytes may enter the receive FIFO
     */
    public Uart16550(InterruptLine irq, IntConsumer output, HostInput hostInput) {
        this.irq = Objects.requireNonNull(irq, "irq");
        this.output = Objects.requireNonNull(output, "output");
        this.hostInput = Objects.requireNonNull(hostInput, "hostInput");
    }

    @Override
    public int read(int offset) {
        Objects.checkIndex(offset, REGISTER_COUNT);
        synchronized (lock) {
            int value = readRegister(offset);
            updateInterruptLine();
            return value;
        }
    }

    @Override
    public void write(int offset, int value) {
        Objects.checkIndex(offset, REGISTER_COUNT);
        int sent;
        synchronized (lock) {
            sent = writeRegister(offset, value & 0xFF);
            updateInterruptLine();
        }
        if (sent != NOTHING_SENT) {
            output.accept(sent);
        }
    }

    /**
     * Queues bytes for the guest to receive, as many as fit.
     *
     * @param data the bytes
     * @param off index of the first byte to queue
     * @param len number of bytes offered
     * @return how many bytes, from {@code off} on, were accepted; less than {@code len} when the
     *     host-side queue is full, in which case the caller should offer the rest later
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not lie within {@code data}
     */
    public int enqueueInput(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        synchronized (lock) {
            int accepted = Math.min(len, hostQueue.free());
            for (int i = 0; i < accepted; i++) {
                hostQueue.add(data[off + i]);
            }
            refillRxFifo(false);
            updateInterruptLine();
            return accepted;
        }
    }

    /**
     * Queues bytes for the guest to receive, as many as fit.
     *
     * @param data the bytes
     * @return how many bytes, from the start of {@code data}, were accepted
     * @see #enqueueInput(byte[], int, int)
     */
    public int enqueueInput(byte[] data) {
        return enqueueInput(data, 0, data.length);
    }

    /**
     * Returns how many received bytes the guest has not read yet, in the receive FIFO and the
     * host-side queue together.
     *
     * @return the number of unread input bytes
     */
    public int pendingInput() {
        synchronized (lock) {
            return rxFifo.size() + hostQueue.size();
        }
    }

    private int readRegister(int offset) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        return switch (offset) {
            case DATA -> dlab ? divisorLow : receive();
            case IER -> dlab ? divisorHigh : ier;
            case IIR_FCR -> readIir();
            case LCR -> lcr;
            case MCR -> mcr;
            case LSR -> readLsr();
            case MSR -> readMsr();
            case SCR -> scratch;
            default -> throw new AssertionError(offset);
        };
    }

    /** Returns the byte to transmit, or {@link #NOTHING_SENT}. */
    private int writeRegister(int offset, int value) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (offset) {
            case DATA -> {
                if (!dlab) {
                    return transmit(value);
                }
                divisorLow = value;
            }
            case IER -> {
                if (dlab) {
                    divisorHigh = value;
                } else {
                    writeIer(value);
                }
            }
            case IIR_FCR -> writeFcr(value);
            case LCR -> lcr = value;
            case MCR -> writeMcr(value);
            case SCR -> scratch = value;
            default -> { } // LSR and MSR are read-only
        }
        return NOTHING_SENT;
    }

    private int receive() {
        refillRxFifo(true);
        if (rxFifo.isEmpty()) {
            return 0;
        }
        int value = rxFifo.remove() & 0xFF;
        refillRxFifo(true);
        return value;
    }

    /** The byte leaves at once: THR is empty again, so THRE pends again if enabled. */
    private int transmit(int value) {
        thrEmptyPending = (ier & IER_THR_EMPTY) != 0;
        if ((mcr & MCR_LOOP) == 0) {
            return value;
        }
        if (rxFifo.size() < rxCapacity()) {
            rxFifo.add((byte) value);
        } else {
            lineErrors |= LSR_OVERRUN;
        }
        return NOTHING_SENT;
    }

    private void writeIer(int value) {
        boolean wasEnabled = (ier & IER_THR_EMPTY) != 0;
        ier = value & IER_WRITABLE;
        boolean enabled = (ier & IER_THR_EMPTY) != 0;
        if (!enabled) {
            thrEmptyPending = false;
        } else if (!wasEnabled) {
            thrEmptyPending = true; // THR is always empty, so enabling ETBEI raises THRE at once
        }
    }

    private int readIir() {
        refillRxFifo(true);
        int source = pendingInterrupt();
        if (source == IIR_THR_EMPTY) {
            thrEmptyPending = false; // reading IIR acknowledges THRE when it is the reported source
        }
        return source | (fifosEnabled ? IIR_FIFOS_ENABLED : 0);
    }

    private void writeFcr(int value) {
        boolean enable = (value & FCR_ENABLE_FIFOS) != 0;
        // Toggling the enable bit clears the FIFOs; the other bits count only with enable set.
        if (enable != fifosEnabled || (enable && (value & FCR_CLEAR_RX) != 0)) {
            rxFifo.clear();
        }
        fifosEnabled = enable;
        refillRxFifo(false);
    }

    private int readLsr() {
        refillRxFifo(true);
        int value = LSR_THR_EMPTY | LSR_TRANSMITTER_EMPTY | lineErrors;
        if (!rxFifo.isEmpty()) {
            value |= LSR_DATA_READY;
        }
        lineErrors = 0;
        return value;
    }

    private void writeMcr(int value) {
        int before = modemLines();
        boolean wasLoopback = (mcr & MCR_LOOP) != 0;
        mcr = value & MCR_WRITABLE;
        int after = modemLines();
        // Each delta bit sits 4 below its line: DCTS, DDSR, TERI (RI falling only), DDCD.
        int changed = (before ^ after) & (MSR_CTS | MSR_DSR | MSR_DCD);
        int riFell = before & ~after & MSR_RI;
        modemDeltas |= (changed | riFell) >> 4;
        if (wasLoopback && (mcr & MCR_LOOP) == 0) {
            refillRxFifo(false);
        }
    }

    private int readMsr() {
        int value = modemLines() | modemDeltas;
        modemDeltas = 0;
        return value;
    }

    /** The modem input lines, MSR bits 4-7. */
    private int modemLines() {
        if ((mcr & MCR_LOOP) == 0) {
            return MSR_DCD | MSR_DSR | MSR_CTS;
        }
        return ((mcr & MCR_RTS) != 0 ? MSR_CTS : 0)
                | ((mcr & MCR_DTR) != 0 ? MSR_DSR : 0)
                | ((mcr & MCR_OUT1) != 0 ? MSR_RI : 0)
                | ((mcr & MCR_OUT2) != 0 ? MSR_DCD : 0);
    }

    private int rxCapacity() {
        return fifosEnabled ? RX_FIFO_SIZE : 1;
    }

    /**
     * Moves host bytes into the receive FIFO as far as the {@link HostInput} policy allows; in
     * loopback the receiver hears only the transmitter.
     *
     * @param guestLooks whether the guest is reading RBR, LSR or IIR, the moment a
     *     {@link HostInput#WHEN_LISTENING} UART hands over bytes
     */
    private void refillRxFifo(boolean guestLooks) {
        if ((mcr & MCR_LOOP) != 0) {
            return;
        }
        if (hostInput == HostInput.WHEN_LISTENING && !(guestLooks && (ier & IER_RECEIVED_DATA) != 0)) {
            return;
        }
        while (rxFifo.size() < rxCapacity() && !hostQueue.isEmpty()) {
            rxFifo.add(hostQueue.remove());
        }
    }

    /** The highest-priority pending interrupt as IIR bits 0-3. */
    private int pendingInterrupt() {
        if ((ier & IER_LINE_STATUS) != 0 && lineErrors != 0) {
            return IIR_LINE_STATUS;
        }
        if ((ier & IER_RECEIVED_DATA) != 0 && dataAvailable()) {
            return IIR_RECEIVED_DATA;
        }
        if (thrEmptyPending) {
            return IIR_THR_EMPTY;
        }
        if ((ier & IER_MODEM_STATUS) != 0 && modemDeltas != 0) {
            return IIR_MODEM_STATUS;
        }
        return IIR_NONE;
    }

    /**
     * Whether the guest would find data if it looked: in the FIFO, or held in the host queue (which
     * a look moves into the FIFO while ERBFI is set; outside loopback only).
     */
    private boolean dataAvailable() {
        return !rxFifo.isEmpty() || ((mcr & MCR_LOOP) == 0 && !hostQueue.isEmpty());
    }

    private void updateInterruptLine() {
        boolean level = pendingInterrupt() != IIR_NONE;
        if (level != irqLevel) {
            irq.set(level);
            irqLevel = level;
        }
    }

    /** A fixed-capacity FIFO of bytes. */
    private static final class ByteRing {
        private final byte[] buffer;
        private int head;
        private int size;

        ByteRing(int capacity) {
            buffer = new byte[capacity];
        }

        boolean isEmpty() {
            return size == 0;
        }

        int size() {
            return size;
        }

        int free() {
            return buffer.length - size;
        }

        void add(byte value) {
            if (size == buffer.length) {
                throw new IllegalStateException("full");
            }
            buffer[(head + size) % buffer.length] = value;
            size++;
        }

        byte remove() {
            if (size == 0) {
                throw new IllegalStateException("empty");
            }
            byte value = buffer[head];
            head = (head + 1) % buffer.length;
            size--;
            return value;
        }

        void clear() {
            head = 0;
            size = 0;
        }
    }
}
