package io.github.bootkernel.engine.devices;

import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * A 16550A UART as a pure register state machine, good enough for Linux's 8250 driver
 * ({@code console=ttyS0}) with interrupts on.
 *
 * <p>The UART knows neither its port nor its IRQ: it sees register offsets 0..7, drives an
 * {@link InterruptLine}, hands every byte the guest transmits to the host (an output sink that
 * takes every byte at once, or a flow-controlled {@link HostEnd}), and takes host-to-guest bytes
 * through {@link #enqueueInput(byte[], int, int)}.
 *
 * <p>What is modelled, and what is simplified:
 *
 * <ul>
 *   <li>With an output sink ({@link IntConsumer}), a byte written to THR is transmitted at once, so
 *       THR and the transmitter are always empty (LSR THRE and TEMT always set), and the THRE
 *       interrupt pends again after every THR write.
 *   <li>With a {@link HostEnd}, bytes written to THR enter a transmit FIFO of
 *       {@value #TX_FIFO_SIZE} bytes (one byte, the holding register, with FIFOs disabled) and
 *       leave it, in order, only as fast as the host end takes them. THRE and TEMT are set only
 *       while the FIFO is empty, as on a 16550A, whose THRE means "FIFO empty", not "not full".
 *       When the host end refuses a byte the transmitter stops; {@link #resumeTransmit()}, called
 *       by the host once it has room, offers the FIFO again. Linux's 8250 driver writes at most
 *       {@code tx_loadsz} (16 for a 16550A) bytes each time it sees THRE ({@code serial8250_tx_chars},
 *       drivers/tty/serial/8250/8250_port.c, 6.1), so it never writes into a full FIFO and no byte
 *       is lost; a guest that does write into a full FIFO loses that byte, counted by
 *       {@link #transmitOverruns()}. Clearing the transmit FIFO (FCR bit 2, or toggling FCR bit 0)
 *       discards what it holds, as on hardware.
 *   <li>The THRE interrupt behaves as on a real 16550: it becomes pending when the transmit FIFO
 *       becomes empty while ETBEI is enabled, or when ETBEI is enabled with the FIFO empty; it is
 *       acknowledged by reading IIR while it is the reported source, or by writing THR.
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
 * <p>Threading: {@link #read}, {@link #write} (a vCPU thread, or whichever thread drains KVM's
 * coalesced ring of THR writes) and {@link #enqueueInput} (any thread) may run concurrently; all state is guarded by one private lock. The {@link InterruptLine}
 * is called while that lock is held, so level changes reach it in order; it must not call back into
 * this UART. So is a {@link HostEnd}, under the same rules, and {@link #resumeTransmit()} may come
 * from any thread. An output sink is called after the lock is released, on the thread that wrote
 * THR, so it may block or enqueue input.
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
         * ERBFI), and only when the guest looks for data (reads RBR or LSR). Until then the bytes
         * stay in the host queue, safe from FIFO clears, and the receive interrupt pends (IIR says
         * so) as soon as ERBFI is set. Handing bytes over at the look, not when ERBFI is set,
         * matters: Linux's 8250 driver (drivers/tty/serial/8250/8250_port.c, 6.1) sets IER to 0x0F
         * in its probe ({@code autoconfig}) only to read IER back, and
         * {@code serial8250_do_set_termios} sets ERBFI just before the FIFO enable that clears the
         * FIFO, both under the port's lock, and reads RBR or LSR with ERBFI set only once the port
         * is open. Its interrupt handler ({@code serial8250_default_handle_irq}) reads IIR before
         * it takes that lock, so on a guest with several CPUs the interrupt that setting ERBFI
         * raises can make another CPU read IIR between the two: IIR therefore hands nothing over.
         * So nothing queued before the driver listens is lost. A guest that polls must set ERBFI
         * to receive anything (keeping its own interrupts off, if it wants none delivered).
         */
        WHEN_LISTENING
    }

    /** How many host-to-guest bytes may wait in the host-side queue, beyond the receive FIFO. */
    public static final int INPUT_QUEUE_CAPACITY = 64 * 1024;

    /** The depth of the receive and transmit FIFOs of a 16550A, in bytes. */
    public static final int TX_FIFO_SIZE = 16;
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
    private static final int FCR_CLEAR_TX = 0x04;

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
    /** Takes every byte at once, called outside the lock; {@code null} when {@link #hostEnd} is set. */
    private final IntConsumer output;
    /** Takes bytes as the host has room, called under the lock; {@code null} when {@link #output} is set. */
    private final HostEnd hostEnd;
    private final HostInput hostInput;
    private final Object lock = new Object();

    // Everything below is guarded by lock.
    private final ByteFifo hostQueue = new ByteFifo(INPUT_QUEUE_CAPACITY);
    private final ByteFifo rxFifo = new ByteFifo(RX_FIFO_SIZE);
    /** Bytes the host end has not taken yet; always empty with an output sink. */
    private final ByteFifo txFifo = new ByteFifo(TX_FIFO_SIZE);
    private long transmitOverruns;
    private boolean inputRefused; // enqueueInput refused bytes since the host end last heard of room
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
        this(irq, Objects.requireNonNull(output, "output"), null, hostInput);
    }

    /**
     * Creates a UART in its power-on state (no interrupts enabled, FIFOs off, line lowered) whose
     * transmitter goes only as fast as {@code hostEnd} takes the guest's bytes.
     *
     * @param irq the interrupt output; called only when its level changes
     * @param hostEnd takes each byte the guest transmits (0..255), in order, when it has room, and
     *     hears when the host input queue has room again
     * @param hostInput when queued host bytes may enter the receive FIFO
     */
    public Uart16550(InterruptLine irq, HostEnd hostEnd, HostInput hostInput) {
        this(irq, null, Objects.requireNonNull(hostEnd, "hostEnd"), hostInput);
    }

    private Uart16550(InterruptLine irq, IntConsumer output, HostEnd hostEnd, HostInput hostInput) {
        this.irq = Objects.requireNonNull(irq, "irq");
        this.output = output;
        this.hostEnd = hostEnd;
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
            inputRefused |= accepted < len;
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
     * Offers the bytes waiting in the transmit FIFO to the {@link HostEnd} again: the host calls it
     * once it has room after refusing a byte. When the FIFO empties, THRE is set and its interrupt
     * pends if enabled, so the guest writes more. Does nothing for a UART with an output sink. Any
     * thread.
     */
    public void resumeTransmit() {
        synchronized (lock) {
            pumpTransmitter();
            updateInterruptLine();
        }
    }

    /**
     * Returns how many bytes the guest wrote to THR while the transmit FIFO was full: they were
     * dropped. Linux's driver never does that (it writes only after seeing THRE); a count above 0
     * means a guest that ignores THRE. Always 0 with an output sink, which takes every byte.
     *
     * @return the count, in bytes
     */
    public long transmitOverruns() {
        synchronized (lock) {
            return transmitOverruns;
        }
    }

    /**
     * Returns how many transmitted bytes wait in the transmit FIFO for the {@link HostEnd}.
     *
     * @return 0 to {@value #TX_FIFO_SIZE}; always 0 with an output sink
     */
    public int pendingOutput() {
        synchronized (lock) {
            return txFifo.size();
        }
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

    /**
     * The UART's state for a snapshot: every register, the receive and transmit FIFOs, input the
     * host queued that the guest has not taken, and the level the UART drives its interrupt line
     * to. The arrays are copies.
     *
     * @param hostQueue input queued for the guest, oldest first, at most {@link #INPUT_QUEUE_CAPACITY}
     * @param rxFifo the receive FIFO, at most 16 bytes
     * @param txFifo the transmit FIFO, at most {@link #TX_FIFO_SIZE} bytes
     * @param registers DLL, DLM, IER, LCR, MCR, SCR, in that order
     * @param fifosEnabled FCR bit 0
     * @param thrEmptyPending whether a THR-empty interrupt pends
     * @param lineErrors LSR error bits not yet read
     * @param modemDeltas MSR delta bits not yet read
     * @param irqLevel the interrupt line's level
     * @param transmitOverruns bytes dropped so far (see {@link #transmitOverruns()})
     * @param inputRefused whether input was refused since the host end last heard of room
     */
    public record State(byte[] hostQueue, byte[] rxFifo, byte[] txFifo, int[] registers, boolean fifosEnabled,
                        boolean thrEmptyPending, int lineErrors, int modemDeltas, boolean irqLevel,
                        long transmitOverruns, boolean inputRefused) {
    }

    /**
     * Saves the UART's state. Call while no vCPU runs (the host may still queue input, which then
     * either is in the state or arrives after it).
     *
     * @return the state
     */
    public State save() {
        synchronized (lock) {
            return new State(hostQueue.toArray(), rxFifo.toArray(), txFifo.toArray(),
                    new int[] {divisorLow, divisorHigh, ier, lcr, mcr, scratch}, fifosEnabled, thrEmptyPending,
                    lineErrors, modemDeltas, irqLevel, transmitOverruns, inputRefused);
        }
    }

    /**
     * Puts a saved state into this (new, unused) UART, before any vCPU runs. The interrupt line is
     * not driven: the in-kernel interrupt controllers' saved state already has its level.
     *
     * @param state a state from {@link #save()}
     * @throws IllegalArgumentException if a FIFO or the register list does not fit
     */
    public void restore(State state) {
        if (state.registers().length != 6) {
            throw new IllegalArgumentException("a UART state has 6 registers, got " + state.registers().length);
        }
        synchronized (lock) {
            hostQueue.replaceWith(state.hostQueue());
            rxFifo.replaceWith(state.rxFifo());
            txFifo.replaceWith(state.txFifo());
            int[] r = state.registers();
            divisorLow = r[0] & 0xFF;
            divisorHigh = r[1] & 0xFF;
            ier = r[2] & IER_WRITABLE;
            lcr = r[3] & 0xFF;
            mcr = r[4] & MCR_WRITABLE;
            scratch = r[5] & 0xFF;
            fifosEnabled = state.fifosEnabled();
            thrEmptyPending = state.thrEmptyPending();
            lineErrors = state.lineErrors();
            modemDeltas = state.modemDeltas();
            irqLevel = state.irqLevel();
            transmitOverruns = state.transmitOverruns();
            inputRefused = state.inputRefused();
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

    /**
     * In loopback, and with an output sink, the byte leaves at once: THR is empty again, so THRE
     * pends again if enabled. With a host end it enters the transmit FIFO, which the host end drains.
     */
    private int transmit(int value) {
        if ((mcr & MCR_LOOP) != 0) {
            thrEmptyPending = (ier & IER_THR_EMPTY) != 0 && txFifo.isEmpty();
            if (rxFifo.size() < rxCapacity()) {
                rxFifo.add((byte) value);
            } else {
                lineErrors |= LSR_OVERRUN;
            }
            return NOTHING_SENT;
        }
        if (hostEnd == null) {
            thrEmptyPending = (ier & IER_THR_EMPTY) != 0;
            return value;
        }
        if (txFifo.size() >= txCapacity()) {
            transmitOverruns++;
            return NOTHING_SENT;
        }
        txFifo.add((byte) value);
        thrEmptyPending = false; // writing THR acknowledges THRE
        pumpTransmitter();
        return NOTHING_SENT;
    }

    /**
     * Hands the transmit FIFO to the host end until it refuses a byte; THRE pends when the FIFO
     * empties with ETBEI enabled. In loopback the transmitter's output never reaches the host.
     */
    private void pumpTransmitter() {
        if (txFifo.isEmpty() || (mcr & MCR_LOOP) != 0) {
            return;
        }
        while (!txFifo.isEmpty() && hostEnd.offerOutput(txFifo.peek())) {
            txFifo.remove();
        }
        if (txFifo.isEmpty() && (ier & IER_THR_EMPTY) != 0) {
            thrEmptyPending = true;
        }
    }

    /** Discards what the transmit FIFO holds; it is empty then, so THRE pends if enabled. */
    private void clearTransmitter() {
        if (!txFifo.isEmpty()) {
            txFifo.clear();
            thrEmptyPending = (ier & IER_THR_EMPTY) != 0;
        }
    }

    private void writeIer(int value) {
        boolean wasEnabled = (ier & IER_THR_EMPTY) != 0;
        ier = value & IER_WRITABLE;
        boolean enabled = (ier & IER_THR_EMPTY) != 0;
        if (!enabled) {
            thrEmptyPending = false;
        } else if (!wasEnabled) {
            thrEmptyPending = txFifo.isEmpty(); // enabling ETBEI with THR empty raises THRE at once
        }
    }

    private int readIir() {
        refillRxFifo(false); // not a look: Linux reads IIR outside the port's lock (see HostInput)
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
        if (enable != fifosEnabled || (enable && (value & FCR_CLEAR_TX) != 0)) {
            clearTransmitter();
        }
        fifosEnabled = enable;
        refillRxFifo(false);
    }

    private int readLsr() {
        refillRxFifo(true);
        int value = (txFifo.isEmpty() ? LSR_THR_EMPTY | LSR_TRANSMITTER_EMPTY : 0) | lineErrors;
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
            pumpTransmitter();
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

    private int txCapacity() {
        return fifosEnabled ? TX_FIFO_SIZE : 1;
    }

    /**
     * Moves host bytes into the receive FIFO as far as the {@link HostInput} policy allows; in
     * loopback the receiver hears only the transmitter.
     *
     * @param guestLooks whether the guest is reading RBR or LSR, the moment a
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
        if (inputRefused && hostQueue.free() >= INPUT_QUEUE_CAPACITY / 2) {
            inputRefused = false;
            if (hostEnd != null) {
                hostEnd.inputRoom();
            }
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
}
