package io.github.bootkernel.engine.devices;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class Uart16550Test {

    // Register offsets.
    private static final int RBR = 0;
    private static final int THR = 0;
    private static final int DLL = 0;
    private static final int DLM = 1;
    private static final int IER = 1;
    private static final int IIR = 2;
    private static final int FCR = 2;
    private static final int EFR = 2; // what Linux calls offset 2 while probing for enhanced UARTs
    private static final int LCR = 3;
    private static final int MCR = 4;
    private static final int LSR = 5;
    private static final int MSR = 6;
    private static final int SCR = 7;

    private static final int IER_RDI = 0x01;
    private static final int IER_THRI = 0x02;
    private static final int IER_RLSI = 0x04;
    private static final int IER_MSI = 0x08;

    private static final int IIR_NO_INT = 0x01;
    private static final int IIR_MSI = 0x00;
    private static final int IIR_THRI = 0x02;
    private static final int IIR_RDI = 0x04;
    private static final int IIR_RLSI = 0x06;

    private static final int LCR_DLAB = 0x80;
    private static final int MCR_LOOP = 0x10;
    private static final int LSR_DR = 0x01;
    private static final int LSR_OE = 0x02;
    private static final int LSR_THRE = 0x20;
    private static final int LSR_TEMT = 0x40;

    /** Every level the UART drove its interrupt line to, in order. */
    private final List<Boolean> levels = Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    /** The UART under test: {@link Uart16550.HostInput#ON_ARRIVAL} unless a nested class replaces it. */
    private Uart16550 uart = new Uart16550(levels::add, output::write);

    @AfterEach
    void interruptLineOnlyEverChangesLevel() {
        synchronized (levels) {
            for (int i = 0; i < levels.size(); i++) {
                assertThat(levels.get(i))
                        .as("call %d of %s: the line must alternate, starting with a raise", i, levels)
                        .isEqualTo(i % 2 == 0);
            }
        }
    }

    private boolean lineAsserted() {
        return !levels.isEmpty() && levels.get(levels.size() - 1);
    }

    private void transmit(String text) {
        for (byte b : text.getBytes(US_ASCII)) {
            uart.write(THR, b);
        }
    }

    private String drainReceiver() {
        StringBuilder received = new StringBuilder();
        while ((uart.read(LSR) & LSR_DR) != 0) {
            received.append((char) uart.read(RBR));
        }
        return received.toString();
    }

    @Nested
    class Registers {

        @Test
        void powerOnState() {
            assertThat(uart.read(IER)).isZero();
            assertThat(uart.read(IIR)).isEqualTo(IIR_NO_INT);
            assertThat(uart.read(LCR)).isZero();
            assertThat(uart.read(MCR)).isZero();
            assertThat(uart.read(LSR)).isEqualTo(LSR_THRE | LSR_TEMT);
            assertThat(uart.read(MSR)).isEqualTo(0xB0);
            assertThat(uart.read(SCR)).isZero();
            assertThat(uart.pendingInput()).isZero();
            assertThat(levels).isEmpty();
        }

        @Test
        void divisorLatchReadsBackWhatWasWritten() {
            uart.write(LCR, LCR_DLAB | 0x03);
            assertThat(uart.read(DLL)).as("power-on divisor, 9600 baud").isEqualTo(0x0C);
            assertThat(uart.read(DLM)).isZero();

            uart.write(DLL, 0x01);
            uart.write(DLM, 0x80);

            assertThat(uart.read(DLL)).isEqualTo(0x01);
            assertThat(uart.read(DLM)).isEqualTo(0x80);
            assertThat(uart.read(LCR)).isEqualTo(LCR_DLAB | 0x03);

            uart.write(LCR, 0x03);
            assertThat(uart.read(IER)).as("DLM write must not reach IER").isZero();
            assertThat(output.toByteArray()).as("DLL write must not transmit").isEmpty();
            assertThat(levels).isEmpty();

            uart.write(LCR, LCR_DLAB | 0x03);
            assertThat(uart.read(DLL)).isEqualTo(0x01);
            assertThat(uart.read(DLM)).isEqualTo(0x80);
        }

        @Test
        void divisorLatchDoesNotConsumeReceivedData() {
            uart.enqueueInput(new byte[] {'x'});
            uart.write(LCR, LCR_DLAB);

            uart.read(DLL);
            uart.write(LCR, 0);

            assertThat(uart.read(RBR)).isEqualTo('x');
        }

        @Test
        void scratchRegisterReadsBackEveryValue() {
            for (int value = 0; value < 256; value++) {
                uart.write(SCR, value);
                assertThat(uart.read(SCR)).isEqualTo(value);
            }
        }

        @Test
        void writesUseOnlyTheLowByte() {
            uart.write(SCR, 0x1AB);
            assertThat(uart.read(SCR)).isEqualTo(0xAB);
        }

        @Test
        void interruptEnableKeepsOnlyTheLowFourBits() {
            uart.write(IER, 0xF0);
            assertThat(uart.read(IER)).isZero();
            uart.write(IER, 0xFF);
            assertThat(uart.read(IER)).isEqualTo(0x0F);
        }

        @Test
        void modemControlKeepsOnlyTheLowFiveBits() {
            uart.write(MCR, 0xEB);
            assertThat(uart.read(MCR)).isEqualTo(0x0B);
        }

        @Test
        void lineAndModemStatusIgnoreWrites() {
            uart.write(LSR, 0xFF);
            uart.write(MSR, 0xFF);
            assertThat(uart.read(LSR)).isEqualTo(LSR_THRE | LSR_TEMT);
            assertThat(uart.read(MSR)).isEqualTo(0xB0);
        }

        @Test
        void lineStatusAlwaysReportsTransmitterEmpty() {
            transmit("some text");
            assertThat(uart.read(LSR) & (LSR_THRE | LSR_TEMT)).isEqualTo(LSR_THRE | LSR_TEMT);
        }

        @Test
        void offsetsOutsideTheEightRegistersAreRejected() {
            assertThatThrownBy(() -> uart.read(8)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> uart.write(-1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Nested
    class Fifos {

        @Test
        void interruptIdentificationShowsFifoEnableInTopBits() {
            assertThat(uart.read(IIR)).isEqualTo(IIR_NO_INT);
            uart.write(FCR, 0x01);
            assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_NO_INT);
            uart.write(IER, IER_THRI);
            assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_THRI);
            uart.write(FCR, 0x00);
            assertThat(uart.read(IIR)).isEqualTo(IIR_NO_INT);
        }

        @Test
        void clearReceiveDiscardsTheFifoButNotTheHostQueue() {
            uart.write(FCR, 0x01);
            uart.enqueueInput(bytes(0, 20));
            assertThat(uart.pendingInput()).isEqualTo(20);

            uart.write(FCR, 0x01 | 0x02);

            assertThat(uart.pendingInput()).isEqualTo(4);
            assertThat(readAll(4)).isEqualTo(bytes(16, 4));
            assertThat(uart.read(LSR) & LSR_DR).isZero();
        }

        @Test
        void clearTransmitIsHarmless() {
            uart.write(FCR, 0x01 | 0x04);
            transmit("ok");
            assertThat(output.toString(US_ASCII)).isEqualTo("ok");
        }

        @Test
        void clearBitsNeedTheEnableBitInTheSameWrite() {
            uart.enqueueInput(bytes(0, 3));

            uart.write(FCR, 0x02);

            assertThat(uart.pendingInput()).isEqualTo(3);
        }

        @Test
        void togglingFifoEnableClearsTheFifo() {
            uart.write(FCR, 0x01);
            uart.enqueueInput(bytes(0, 10));

            uart.write(FCR, 0x00);

            assertThat(uart.pendingInput()).isZero();
        }

        @Test
        void receiveHoldsOneByteWithFifosDisabled() {
            uart.enqueueInput(bytes(0, 3));
            uart.write(FCR, 0x00); // no toggle: nothing cleared

            uart.write(FCR, 0x01);
            assertThat(uart.pendingInput()).as("only the one-byte holding register was cleared").isEqualTo(2);
        }
    }

    @Nested
    class TransmitInterrupt {

        @Test
        void enablingEtbeiRaisesThreAtOnce() {
            uart.write(IER, IER_THRI);

            assertThat(levels).containsExactly(true);
            assertThat(uart.read(IIR)).isEqualTo(IIR_THRI);
        }

        @Test
        void readingIirAcknowledgesThre() {
            uart.write(IER, IER_THRI);

            uart.read(IIR);

            assertThat(levels).containsExactly(true, false);
            assertThat(uart.read(IIR)).isEqualTo(IIR_NO_INT);
        }

        @Test
        void writingThrRaisesThreAgain() {
            uart.write(IER, IER_THRI);
            uart.read(IIR);

            uart.write(THR, 'a');

            assertThat(levels).containsExactly(true, false, true);
            assertThat(uart.read(IIR)).isEqualTo(IIR_THRI);
        }

        @Test
        void writingThrWhileThreIsPendingKeepsTheLineUp() {
            uart.write(IER, IER_THRI);

            transmit("abc");

            assertThat(levels).containsExactly(true);
            assertThat(output.toString(US_ASCII)).isEqualTo("abc");
        }

        @Test
        void disablingEtbeiDropsThre() {
            uart.write(IER, IER_THRI);

            uart.write(IER, 0);

            assertThat(levels).containsExactly(true, false);
            assertThat(uart.read(IIR)).isEqualTo(IIR_NO_INT);
        }

        @Test
        void reEnablingEtbeiRaisesThreAgainAfterAnAcknowledge() {
            uart.write(IER, IER_THRI);
            uart.read(IIR);

            uart.write(IER, 0);
            uart.write(IER, IER_THRI);

            assertThat(levels).containsExactly(true, false, true);
            assertThat(uart.read(IIR)).isEqualTo(IIR_THRI);
        }

        @Test
        void rewritingIerWithEtbeiStillSetDoesNotRaiseAnAcknowledgedThre() {
            uart.write(IER, IER_THRI);
            uart.read(IIR);

            uart.write(IER, IER_THRI | IER_RLSI);

            assertThat(uart.read(IIR)).isEqualTo(IIR_NO_INT);
        }

        @Test
        void writingThrWithEtbeiDisabledRaisesNothing() {
            transmit("quiet");

            assertThat(levels).isEmpty();
            assertThat(uart.read(IIR)).isEqualTo(IIR_NO_INT);
        }

        @Test
        void transmittedBytesReachTheOutputInOrder() {
            for (int value = 0; value < 256; value++) {
                uart.write(THR, value);
            }
            assertThat(output.toByteArray()).isEqualTo(bytes(0, 256));
        }
    }

    @Nested
    class Receive {

        @Test
        void enqueuedByteSetsDataReady() {
            assertThat(uart.enqueueInput(new byte[] {'a'})).isEqualTo(1);

            assertThat(uart.read(LSR) & LSR_DR).isEqualTo(LSR_DR);
            assertThat(uart.pendingInput()).isEqualTo(1);
            assertThat(levels).as("ERBFI is off").isEmpty();
        }

        @Test
        void receivedDataRaisesTheLineWhenEnabledAndDropsItWhenDrained() {
            uart.write(FCR, 0x01);
            uart.write(IER, IER_RDI);

            uart.enqueueInput("abc".getBytes(US_ASCII));

            assertThat(levels).containsExactly(true);
            assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_RDI);
            assertThat(uart.read(IIR)).as("IIR reads do not acknowledge received data").isEqualTo(0xC0 | IIR_RDI);
            assertThat(uart.read(RBR)).isEqualTo('a');
            assertThat(uart.read(RBR)).isEqualTo('b');
            assertThat(levels).containsExactly(true);
            assertThat(uart.read(RBR)).isEqualTo('c');
            assertThat(levels).containsExactly(true, false);
            assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_NO_INT);
            assertThat(uart.read(LSR) & LSR_DR).isZero();
            assertThat(uart.pendingInput()).isZero();
        }

        @Test
        void enablingErbfiWithDataWaitingRaisesTheLine() {
            uart.enqueueInput(new byte[] {'z'});

            uart.write(IER, IER_RDI);

            assertThat(levels).containsExactly(true);
        }

        @Test
        void readingAnEmptyReceiverReturnsZero() {
            assertThat(uart.read(RBR)).isZero();
            assertThat(uart.read(LSR) & LSR_DR).isZero();
        }

        @Test
        void moreThanAFifoOfInputArrivesInOrderThroughRefills() {
            uart.write(FCR, 0x01);
            uart.write(IER, IER_RDI);
            byte[] input = bytes(0, 1000);

            assertThat(uart.enqueueInput(input)).isEqualTo(1000);

            assertThat(readAll(1000)).isEqualTo(input);
            assertThat(uart.read(LSR) & LSR_DR).isZero();
            assertThat(levels).containsExactly(true, false);
        }

        @Test
        void inputArrivesInOrderWithFifosDisabled() {
            byte[] input = bytes(7, 100);
            uart.enqueueInput(input);
            assertThat(readAll(100)).isEqualTo(input);
        }

        @Test
        void enqueueHonoursOffsetAndLength() {
            byte[] data = "..abc..".getBytes(US_ASCII);

            assertThat(uart.enqueueInput(data, 2, 3)).isEqualTo(3);

            assertThat(drainReceiver()).isEqualTo("abc");
            assertThatThrownBy(() -> uart.enqueueInput(data, 5, 3))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }

        @Test
        void boundedHostQueueAcceptsOnlyWhatFits() {
            uart.write(FCR, 0x01);
            int capacity = Uart16550.INPUT_QUEUE_CAPACITY;
            byte[] input = bytes(0, capacity + 5000);

            int accepted = uart.enqueueInput(input);

            assertThat(accepted).isEqualTo(capacity);
            int more = uart.enqueueInput(input, accepted, input.length - accepted);
            assertThat(more).as("only the FIFO's 16 bytes were freed").isEqualTo(16);
            accepted += more;
            assertThat(uart.enqueueInput(input, accepted, input.length - accepted)).isZero();
            assertThat(uart.pendingInput()).isEqualTo(accepted);

            // The guest reads; the host offers the rest as room appears; nothing is lost or reordered.
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            while (received.size() < input.length) {
                accepted += uart.enqueueInput(input, accepted, input.length - accepted);
                for (int i = 0; i < 1000 && (uart.read(LSR) & LSR_DR) != 0; i++) {
                    received.write(uart.read(RBR));
                }
            }
            assertThat(received.toByteArray()).isEqualTo(input);
        }

        @Test
        void nullInputIsRejected() {
            assertThatThrownBy(() -> uart.enqueueInput(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Nested
    class Loopback {

        @Test
        void transmittedBytesLoopIntoTheReceiverInsteadOfTheOutput() {
            uart.write(FCR, 0x01);
            uart.write(MCR, MCR_LOOP);

            transmit("loop");

            assertThat(output.toByteArray()).isEmpty();
            assertThat(drainReceiver()).isEqualTo("loop");
        }

        @Test
        void modemStatusMirrorsModemControl() {
            uart.write(MCR, MCR_LOOP | 0x0A); // OUT2 | RTS, what Linux's autoconfig writes
            assertThat(uart.read(MSR) & 0xF0).isEqualTo(0x90); // DCD | CTS

            uart.write(MCR, MCR_LOOP | 0x01); // DTR
            assertThat(uart.read(MSR) & 0xF0).isEqualTo(0x20); // DSR
            uart.write(MCR, MCR_LOOP | 0x04); // OUT1
            assertThat(uart.read(MSR) & 0xF0).isEqualTo(0x40); // RI
            uart.write(MCR, MCR_LOOP | 0x0F);
            assertThat(uart.read(MSR) & 0xF0).isEqualTo(0xF0);
            uart.write(MCR, MCR_LOOP);
            assertThat(uart.read(MSR) & 0xF0).isZero();
        }

        @Test
        void modemLineChangesSetDeltaBitsUntilMsrIsRead() {
            assertThat(uart.read(MSR)).as("no deltas outside loopback").isEqualTo(0xB0);

            uart.write(MCR, MCR_LOOP | 0x0A); // CTS and DCD stay, DSR drops
            assertThat(uart.read(MSR)).isEqualTo(0x90 | 0x02); // DDSR
            assertThat(uart.read(MSR)).isEqualTo(0x90);

            uart.write(MCR, MCR_LOOP | 0x04); // RI rises, CTS and DCD drop
            assertThat(uart.read(MSR)).isEqualTo(0x40 | 0x01 | 0x08); // DCTS | DDCD, no TERI
            uart.write(MCR, MCR_LOOP); // RI falls
            assertThat(uart.read(MSR)).isEqualTo(0x04); // TERI

            uart.write(MCR, 0x08);
            assertThat(uart.read(MSR)).isEqualTo(0xB0 | 0x0B);
            assertThat(uart.read(MSR)).isEqualTo(0xB0);
        }

        @Test
        void modemStatusInterruptFollowsDeltasWhenEnabled() {
            uart.write(IER, IER_MSI);
            assertThat(levels).isEmpty();

            uart.write(MCR, MCR_LOOP);

            assertThat(levels).containsExactly(true);
            assertThat(uart.read(IIR)).isEqualTo(IIR_MSI);
            uart.read(MSR);
            assertThat(levels).containsExactly(true, false);
            assertThat(uart.read(IIR)).isEqualTo(IIR_NO_INT);
        }

        @Test
        void overflowingTheReceiveFifoReportsAnOverrun() {
            uart.write(FCR, 0x01);
            uart.write(MCR, MCR_LOOP);

            for (int value = 0; value < 20; value++) {
                uart.write(THR, value);
            }

            assertThat(uart.read(LSR)).isEqualTo(LSR_DR | LSR_OE | LSR_THRE | LSR_TEMT);
            assertThat(uart.read(LSR) & LSR_OE).as("cleared by reading LSR").isZero();
            assertThat(readAll(16)).isEqualTo(bytes(0, 16));
            assertThat(uart.read(LSR) & LSR_DR).isZero();
        }

        @Test
        void withoutFifosTheHoldingRegisterKeepsOneByte() {
            uart.write(MCR, MCR_LOOP);

            transmit("ab");

            assertThat(uart.read(LSR) & (LSR_DR | LSR_OE)).isEqualTo(LSR_DR | LSR_OE);
            assertThat(drainReceiver()).isEqualTo("a");
        }

        @Test
        void hostInputWaitsUntilLoopbackEnds() {
            uart.write(FCR, 0x01);
            uart.write(MCR, MCR_LOOP);
            uart.enqueueInput("host".getBytes(US_ASCII));
            transmit("loop");

            assertThat(drainReceiver()).isEqualTo("loop");
            assertThat(uart.pendingInput()).isEqualTo(4);

            uart.write(MCR, 0);
            assertThat(drainReceiver()).isEqualTo("host");
        }
    }

    @Test
    void interruptSourcesAreReportedInPriorityOrder() {
        uart.write(FCR, 0x01);
        uart.write(IER, IER_RDI | IER_THRI | IER_RLSI | IER_MSI);
        uart.write(MCR, MCR_LOOP); // modem lines drop: deltas pending
        for (int value = 0; value < 17; value++) {
            uart.write(THR, value); // the 17th overruns
        }

        assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_RLSI);
        assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_RLSI);
        uart.read(LSR);
        assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_RDI);
        readAll(16);
        assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_THRI);
        assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_MSI);
        uart.read(MSR);
        assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_NO_INT);
        assertThat(levels).containsExactly(true, false);
    }

    @Test
    void interruptLineRecordsExactTransitions() {
        uart.write(IER, IER_RDI | IER_THRI); // THRE pending: up
        uart.read(IIR); // THRE acknowledged: down
        uart.enqueueInput("xy".getBytes(US_ASCII)); // data: up
        uart.enqueueInput("z".getBytes(US_ASCII)); // still up, no call
        uart.write(THR, 'a'); // THRE pending as well, no call
        uart.read(RBR);
        uart.read(RBR);
        uart.read(RBR); // data gone, THRE still pending: no call
        uart.read(IIR); // THRE acknowledged: down
        uart.write(IER, 0); // nothing pending: no call

        assertThat(levels).containsExactly(true, false, true, false);
    }

    @Test
    void outputSinkMayFeedInputBack() {
        AtomicReference<Uart16550> self = new AtomicReference<>();
        Uart16550 echo = new Uart16550(levels::add, b -> self.get().enqueueInput(new byte[] {(byte) b}));
        self.set(echo);
        echo.write(IER, IER_RDI);

        echo.write(THR, 'h');
        echo.write(THR, 'i');

        assertThat(echo.read(RBR)).isEqualTo('h');
        assertThat(echo.read(RBR)).isEqualTo('i');
        assertThat(levels).containsExactly(true, false);
    }

    @Test
    void constructorRejectsNulls() {
        assertThatThrownBy(() -> new Uart16550(null, b -> { }))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("irq");
        assertThatThrownBy(() -> new Uart16550(level -> { }, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("output");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void inputFromAnotherThreadArrivesCompleteAndInOrder() throws InterruptedException {
        uart.write(FCR, 0x01);
        uart.write(IER, IER_RDI);
        byte[] input = new byte[300_000];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i * 31 + i / 256);
        }
        Thread host = new Thread(() -> {
            int sent = 0;
            while (sent < input.length) {
                int accepted = uart.enqueueInput(input, sent, Math.min(4096, input.length - sent));
                sent += accepted;
                if (accepted == 0) {
                    Thread.onSpinWait();
                }
            }
        }, "uart-host-input");
        host.start();

        byte[] received = new byte[input.length];
        int count = 0;
        while (count < input.length) {
            if ((uart.read(LSR) & LSR_DR) != 0) {
                received[count++] = (byte) uart.read(RBR);
            } else {
                Thread.onSpinWait();
            }
        }
        host.join();

        assertThat(received).isEqualTo(input);
        assertThat(uart.pendingInput()).isZero();
        assertThat(lineAsserted()).isFalse();
    }

    /** Replays what Linux's 8250 driver does with a legacy port, from probe to a busy tty. */
    @Nested
    class AsSeenByLinux {

        @Test
        void autoconfigIdentifiesA16550A() {
            assertThat(linuxAutoconfig(uart)).isEqualTo("16550A");
            assertThat(output.toByteArray()).as("probing must not print").isEmpty();
        }

        @Test
        void startupFindsNeitherThreNorTxenBugs() {
            linuxAutoconfig(uart);

            // serial8250_do_startup: clear FIFOs and the interrupt registers, check LSR.
            clearFifos(uart);
            uart.read(LSR);
            uart.read(RBR);
            uart.read(IIR);
            uart.read(MSR);
            assertThat(uart.read(LSR)).isNotEqualTo(0xFF);

            // The THRE test: a real 16550 re-asserts THRE when ETBEI is toggled.
            uart.write(IER, IER_THRI);
            int iir1 = uart.read(IIR);
            uart.write(IER, 0);
            uart.write(IER, IER_THRI);
            int iir = uart.read(IIR);
            uart.write(IER, 0);
            boolean bugThre = (iir1 & IIR_NO_INT) == 0 && (iir & IIR_NO_INT) != 0;
            assertThat(bugThre).isFalse();

            uart.write(LCR, 0x03);
            uart.write(MCR, 0x0B); // OUT2 | RTS | DTR

            // The TXEN test: enabling ETBEI must raise an interrupt at once.
            uart.write(IER, IER_THRI);
            int lsr = uart.read(LSR);
            iir = uart.read(IIR);
            uart.write(IER, 0);
            boolean bugTxen = (lsr & LSR_TEMT) != 0 && (iir & IIR_NO_INT) != 0;
            assertThat(bugTxen).isFalse();

            uart.write(IER, IER_RLSI | IER_RDI);
            assertThat(lineAsserted()).isFalse();
        }

        @Test
        void interruptDrivenTransmitDoesNotStallAfterOneFifo() {
            Guest guest = startedGuest();
            byte[] text = bytes(0, 1000);

            guest.write(text);

            assertThat(output.toByteArray()).isEqualTo(text);
            assertThat(lineAsserted()).isFalse();
        }

        @Test
        void consoleWriteInTheMiddleOfTtyOutputDoesNotStallIt() {
            Guest guest = startedGuest();
            guest.pending = "tty output that is longer than sixteen bytes".getBytes(US_ASCII);
            guest.startTx(); // THRE pends; printk runs before the interrupt is handled

            // serial8250_console_write: save IER, clear it, poll THRE for each byte, restore IER.
            int savedIer = uart.read(IER);
            uart.write(IER, 0);
            for (byte b : "[ printk ]".getBytes(US_ASCII)) {
                while ((uart.read(LSR) & LSR_THRE) == 0) {
                    Thread.onSpinWait();
                }
                uart.write(THR, b);
            }
            uart.write(IER, savedIer);
            guest.handleInterrupts();

            assertThat(output.toString(US_ASCII))
                    .isEqualTo("[ printk ]tty output that is longer than sixteen bytes");
            assertThat(lineAsserted()).isFalse();
        }

        @Test
        void typedInputReachesTheTtyThroughInterrupts() {
            Guest guest = startedGuest();

            uart.enqueueInput("echo hello from the host\n".getBytes(US_ASCII));
            guest.handleInterrupts();

            assertThat(guest.received.toString(US_ASCII)).isEqualTo("echo hello from the host\n");
            assertThat(lineAsserted()).isFalse();
        }

        Guest startedGuest() {
            linuxAutoconfig(uart);
            clearFifos(uart);
            uart.write(LCR, LCR_DLAB | 0x03);
            uart.write(DLL, 0x01); // 115200 baud
            uart.write(DLM, 0x00);
            uart.write(LCR, 0x03);
            uart.write(FCR, 0x81); // FIFOs on, receive trigger at 8 bytes
            uart.write(MCR, 0x0B);
            Guest guest = new Guest();
            guest.setIer(IER_RLSI | IER_RDI);
            return guest;
        }
    }

    /** The same replays of Linux's driver with input held until the guest listens, as a Machine runs it. */
    @Nested
    class AsSeenByLinuxWithInputHeld extends AsSeenByLinux {

        @BeforeEach
        void holdInput() {
            uart = new Uart16550(levels::add, output::write, Uart16550.HostInput.WHEN_LISTENING);
        }
    }

    /**
     * The same replays with a flow-controlled transmitter, as COM2 runs it, and a host that takes
     * bytes only as it gets room: Linux's driver writes at most a FIFO's worth each time it sees
     * THRE, so a slow host paces it through THRE interrupts and no byte is lost.
     */
    @Nested
    class AsSeenByLinuxWithFlowControl extends AsSeenByLinux {

        /** Takes every byte into {@link #output} unless a test limits its room. */
        private final RoomHost host = new RoomHost(output, Integer.MAX_VALUE);

        @BeforeEach
        void flowControlled() {
            uart = new Uart16550(levels::add, host, Uart16550.HostInput.WHEN_LISTENING);
        }

        @Test
        void aSlowHostPacesTheDriverThroughThreInterrupts() {
            Guest guest = startedGuest();
            byte[] text = bytes(0, 1000);
            host.room = 5;

            guest.write(text);

            assertThat(output.size()).as("the host took what it had room for").isEqualTo(5);
            assertThat(uart.pendingOutput()).as("the rest of the driver's 16 bytes wait in the FIFO").isEqualTo(11);
            int rounds = 0;
            while (output.size() < text.length) {
                host.room = 7; // the host consumed a little
                uart.resumeTransmit();
                guest.handleInterrupts();
                rounds++;
                assertThat(rounds).as("rounds so far").isLessThan(1000);
            }
            assertThat(output.toByteArray()).isEqualTo(text);
            assertThat(uart.transmitOverruns()).isZero();
            assertThat(guest.sent).isEqualTo(text.length);
            assertThat(lineAsserted()).isFalse();
        }
    }

    /** {@link Uart16550.HostInput#WHEN_LISTENING}: input sent before the guest listens is not lost. */
    @Nested
    class InputHeldUntilTheGuestListens {

        private static final String EARLY = "echo typed-before-the-driver-listened\n";

        @BeforeEach
        void holdInput() {
            uart = new Uart16550(levels::add, output::write, Uart16550.HostInput.WHEN_LISTENING);
        }

        @Test
        void bytesQueuedBeforeErbfiSurviveAFifoClearAndArriveInOrderOnceEnabled() {
            uart.write(FCR, 0x01);
            uart.enqueueInput(bytes(0, 40));
            assertThat(uart.read(LSR) & LSR_DR).as("nothing visible before ERBFI").isZero();
            assertThat(uart.read(RBR)).isZero();

            uart.write(FCR, 0x01 | 0x02);
            uart.write(FCR, 0);
            uart.write(FCR, 0x01);
            assertThat(uart.pendingInput()).as("the clears found nothing to discard").isEqualTo(40);
            assertThat(levels).isEmpty();

            uart.write(IER, IER_RDI);

            assertThat(levels).as("enabling ERBFI with input held raises the line").containsExactly(true);
            assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_RDI);
            assertThat(readAll(40)).isEqualTo(bytes(0, 40));
            assertThat(uart.read(LSR) & LSR_DR).isZero();
            assertThat(levels).containsExactly(true, false);
        }

        /**
         * On a guest with several CPUs, setting ERBFI in {@code serial8250_do_set_termios} raises
         * the interrupt, and another CPU's handler reads IIR (outside the port's lock) before the
         * first CPU's FIFO enable clears the FIFO: that read must not move a byte into the FIFO.
         */
        @Test
        void anIirReadBetweenErbfiAndTheFifoEnableOfAnotherCpuLosesNothing() {
            uart.enqueueInput("echo".getBytes(US_ASCII));

            uart.write(IER, IER_RDI | IER_RLSI);                       // CPU 0, port lock held
            assertThat(uart.read(IIR) & 0x0f).as("CPU 1's handler").isEqualTo(IIR_RDI);
            uart.write(FCR, 0x01);                                      // CPU 0: enabling the FIFOs clears them
            uart.write(FCR, 0x01 | 0xc0);

            assertThat(drainReceiver()).as("CPU 1 takes the lock and reads LSR, then RBR").isEqualTo("echo");
        }

        @Test
        void thePolicyIsRequired() {
            assertThatThrownBy(() -> new Uart16550(level -> { }, b -> { }, null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("hostInput");
        }

        @Test
        void pollingWithoutErbfiSeesNothingAndPollingWithItSeesEverything() {
            uart.enqueueInput("abc".getBytes(US_ASCII));
            assertThat(drainReceiver()).isEmpty();

            uart.write(IER, IER_RDI); // a polling guest with its own interrupts off, like the probe

            assertThat(drainReceiver()).isEqualTo("abc");
        }

        @Test
        void theProbeOfLinuxSettingIer0x0fMovesNothing() {
            uart.enqueueInput("xyz".getBytes(US_ASCII));

            assertThat(linuxAutoconfig(uart)).isEqualTo("16550A");

            assertThat(uart.pendingInput()).isEqualTo(3);
            assertThat(output.toByteArray()).isEmpty();
        }

        @Test
        void disablingErbfiHoldsWhatHasNotEnteredTheFifo() {
            uart.write(FCR, 0x01);
            uart.write(IER, IER_RDI);
            uart.enqueueInput(bytes(0, 20));
            uart.read(LSR); // the guest looks: 16 bytes enter the FIFO

            uart.write(IER, 0); // Linux throttling the port (stop_rx)

            assertThat(readAll(16)).isEqualTo(bytes(0, 16));
            assertThat(uart.read(LSR) & LSR_DR).isZero();
            assertThat(uart.pendingInput()).isEqualTo(4);
            uart.write(IER, IER_RDI);
            assertThat(readAll(4)).isEqualTo(bytes(16, 4));
        }

        @Test
        void hostInputStillWaitsForLoopbackToEnd() {
            uart.write(FCR, 0x01);
            uart.write(IER, IER_RDI);
            uart.write(MCR, MCR_LOOP);
            uart.enqueueInput("host".getBytes(US_ASCII));
            transmit("loop");

            assertThat(drainReceiver()).isEqualTo("loop");
            uart.write(MCR, 0);
            assertThat(drainReceiver()).isEqualTo("host");
        }

        @Test
        void inputSentBeforeLinuxOpensThePortReachesTheTty() {
            uart.enqueueInput(EARLY.getBytes(US_ASCII));

            Guest guest = linuxOpensThePort(uart);
            guest.handleInterrupts();

            assertThat(guest.received.toString(US_ASCII)).isEqualTo(EARLY);
            assertThat(lineAsserted()).isFalse();
        }

        @Test
        void withInputOnArrivalTheSameSequenceLosesTheStartOfTheInput() {
            uart = new Uart16550(levels::add, output::write);
            uart.enqueueInput(EARLY.getBytes(US_ASCII));

            Guest guest = linuxOpensThePort(uart);
            guest.handleInterrupts();

            String received = guest.received.toString(US_ASCII);
            assertThat(received).as("what a hardware-like UART delivers").isNotEqualTo(EARLY);
            assertThat(EARLY).endsWith(received);
        }
    }

    /**
     * Linux 6.1 probing the port, then opening it for the console's tty: {@code autoconfig},
     * {@code serial8250_do_startup} (FIFO clear, RBR reads, the THRE and TXEN tests, IER still 0)
     * and {@code serial8250_do_set_termios} (IER = RLSI | RDI first, then the FIFO enable that
     * clears it). Returns the driver, listening.
     */
    private Guest linuxOpensThePort(Uart16550 port) {
        linuxAutoconfig(port);
        clearFifos(port);
        port.read(LSR);
        port.read(RBR);
        port.read(IIR);
        port.read(MSR);
        port.write(IER, IER_THRI);
        port.read(IIR);
        port.write(IER, 0);
        port.write(IER, IER_THRI);
        port.read(IIR);
        port.write(IER, 0);
        port.write(LCR, 0x03);
        port.write(MCR, 0x0B);
        port.write(IER, IER_THRI);
        port.read(LSR);
        port.read(IIR);
        port.write(IER, 0);
        port.read(LSR);
        port.read(RBR);
        port.read(IIR);
        port.read(MSR);
        Guest guest = new Guest();
        guest.setIer(IER_RLSI | IER_RDI);
        port.write(LCR, LCR_DLAB | 0x03);
        port.write(DLL, 0x01);
        port.write(DLM, 0x00);
        port.write(LCR, 0x03);
        port.write(FCR, 0x01);
        port.write(FCR, 0x81);
        port.write(MCR, 0x0B);
        return guest;
    }

    /**
     * The interrupt-driven part of Linux's 8250 driver: one handler run per rising edge of the line
     * (legacy ISA interrupts are edge-triggered), each looping until IIR reports nothing pending.
     */
    private final class Guest {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private byte[] pending = new byte[0];
        private int sent;
        private int ier;
        private int edgesHandled = risingEdges(); // edges raised while probing were handled then

        void setIer(int value) {
            ier = value;
            uart.write(IER, value);
        }

        /** uart_write: queue the text, start transmitting, run the interrupt handler. */
        void write(byte[] text) {
            pending = text;
            sent = 0;
            startTx();
            handleInterrupts();
        }

        void startTx() {
            if ((ier & IER_THRI) == 0) {
                setIer(ier | IER_THRI);
            }
        }

        void handleInterrupts() {
            while (edgesHandled < risingEdges()) {
                edgesHandled++;
                for (int pass = 0; pass < 512 && handleIrq(); pass++) {
                    // serial8250_interrupt loops until no port reports an interrupt
                }
            }
        }

        /** serial8250_handle_irq. */
        private boolean handleIrq() {
            if ((uart.read(IIR) & IIR_NO_INT) != 0) {
                return false;
            }
            int lsr = uart.read(LSR);
            for (int count = 0; count < 256 && (lsr & LSR_DR) != 0; count++) {
                received.write(uart.read(RBR));
                lsr = uart.read(LSR);
            }
            uart.read(MSR);
            if ((lsr & LSR_THRE) != 0 && (ier & IER_THRI) != 0) {
                for (int count = 0; count < 16 && sent < pending.length; count++) {
                    uart.write(THR, pending[sent++]);
                }
                if (sent == pending.length) {
                    setIer(ier & ~IER_THRI);
                }
            }
            return true;
        }

        private int risingEdges() {
            synchronized (levels) {
                return (int) levels.stream().filter(level -> level).count();
            }
        }
    }

    /** serial8250_clear_fifos. */
    private static void clearFifos(Uart16550 uart) {
        uart.write(FCR, 0x01);
        uart.write(FCR, 0x01 | 0x02 | 0x04);
        uart.write(FCR, 0);
    }

    /**
     * The register accesses of Linux's {@code autoconfig()} and {@code autoconfig_16550a()}
     * (drivers/tty/serial/8250/8250_port.c), returning the port type the driver would settle on.
     */
    private static String linuxAutoconfig(Uart16550 uart) {
        // IER test: bits written as 0 and as 0x0F must read back.
        int savedIer = uart.read(IER);
        uart.write(IER, 0);
        int ier0 = uart.read(IER) & 0x0F;
        uart.write(IER, 0x0F);
        int ierF = uart.read(IER) & 0x0F;
        uart.write(IER, savedIer);
        if (ier0 != 0 || ierF != 0x0F) {
            return "none: IER test failed";
        }
        int savedMcr = uart.read(MCR);
        int savedLcr = uart.read(LCR);

        // Loopback test: MSR must mirror OUT2 and RTS as DCD and CTS.
        uart.write(MCR, MCR_LOOP | 0x0A);
        int status = uart.read(MSR) & 0xF0;
        uart.write(MCR, savedMcr);
        if (status != 0x90) {
            return "none: loopback test failed";
        }

        uart.write(LCR, 0xBF);
        uart.write(EFR, 0);
        uart.write(LCR, 0);
        uart.write(FCR, 0x01);
        String type = switch (uart.read(IIR) >> 6) {
            case 0 -> scratchWorks(uart) ? "16450" : "8250";
            case 1 -> "unknown";
            case 2 -> "16550";
            default -> autoconfig16550a(uart);
        };
        uart.write(LCR, savedLcr);

        // Reset the UART.
        uart.write(MCR, savedMcr);
        clearFifos(uart);
        uart.read(RBR);
        uart.write(IER, 0);
        return type;
    }

    /** autoconfig_8250: the scratch register tells a 16450 from an 8250. */
    private static boolean scratchWorks(Uart16550 uart) {
        int saved = uart.read(SCR);
        uart.write(SCR, 0xA5);
        int first = uart.read(SCR);
        uart.write(SCR, 0x5A);
        int second = uart.read(SCR);
        uart.write(SCR, saved);
        return first == 0xA5 && second == 0x5A;
    }

    private static String autoconfig16550a(Uart16550 uart) {
        assertThat(scratchWorks(uart)).as("scratch register").isTrue();

        // EFR while DLAB is set: only ST16C650V1 has it.
        uart.write(LCR, 0x80);
        if (uart.read(EFR) == 0) {
            return "16650";
        }
        // EFR behind LCR 0xBF: ST16C650V2, TI16C752 and friends.
        uart.write(LCR, 0xBF);
        if (uart.read(EFR) == 0) {
            return "16650V2";
        }
        // National Semiconductor SuperIO: MCR.LOOP visible in EXCR1 at LCR 0xE0.
        uart.write(LCR, 0);
        int mcr = uart.read(MCR);
        uart.write(LCR, 0xE0);
        int excr1 = uart.read(2);
        if (((excr1 ^ mcr) & MCR_LOOP) == 0) {
            uart.write(LCR, 0);
            uart.write(MCR, mcr ^ MCR_LOOP);
            uart.write(LCR, 0xE0);
            excr1 = uart.read(2);
            uart.write(LCR, 0);
            uart.write(MCR, mcr);
            if (((excr1 ^ mcr) & MCR_LOOP) != 0) {
                return "NS16550A";
            }
        }
        // TI16750: IIR bit 5 follows the 64-byte FIFO enable only while DLAB is set.
        uart.write(LCR, 0);
        uart.write(FCR, 0x01 | 0x20);
        int without = uart.read(IIR) >> 5;
        uart.write(FCR, 0x01);
        uart.write(LCR, 0x80);
        uart.write(FCR, 0x01 | 0x20);
        int with = uart.read(IIR) >> 5;
        uart.write(FCR, 0x01);
        uart.write(LCR, 0);
        if (without == 6 && with == 7) {
            return "16750";
        }
        // XScale: IER bit 6 (UUE) sticks.
        int savedIer = uart.read(IER);
        uart.write(IER, savedIer & ~0x40);
        if ((uart.read(IER) & 0x40) == 0) {
            uart.write(IER, savedIer | 0x40);
            if ((uart.read(IER) & 0x40) != 0) {
                return "XScale";
            }
        }
        uart.write(IER, savedIer);
        // U6 16550A: a 64-byte FIFO, counted through loopback.
        if (sizeFifo(uart) == 64) {
            return "U6_16550A";
        }
        return "16550A";
    }

    /** size_fifo: send 256 bytes through loopback and count how many the receiver kept. */
    private static int sizeFifo(Uart16550 uart) {
        int oldLcr = uart.read(LCR);
        uart.write(LCR, 0);
        int oldFcr = uart.read(IIR);
        int oldMcr = uart.read(MCR);
        uart.write(FCR, 0x01 | 0x02 | 0x04);
        uart.write(MCR, MCR_LOOP);
        uart.write(LCR, 0x80);
        int oldDivisor = uart.read(DLL) | uart.read(DLM) << 8;
        uart.write(DLL, 1);
        uart.write(DLM, 0);
        uart.write(LCR, 0x03);
        for (int value = 0; value < 256; value++) {
            uart.write(THR, value);
        }
        int count = 0;
        while ((uart.read(LSR) & LSR_DR) != 0 && count < 256) {
            uart.read(RBR);
            count++;
        }
        uart.write(FCR, oldFcr);
        uart.write(MCR, oldMcr);
        uart.write(LCR, 0x80);
        uart.write(DLL, oldDivisor & 0xFF);
        uart.write(DLM, oldDivisor >> 8);
        uart.write(LCR, oldLcr);
        assertThat(count).as("receive FIFO depth").isEqualTo(16);
        return count;
    }

    private byte[] readAll(int count) {
        byte[] data = new byte[count];
        for (int i = 0; i < count; i++) {
            assertThat(uart.read(LSR) & LSR_DR).as("data ready before byte %d", i).isEqualTo(LSR_DR);
            data[i] = (byte) uart.read(RBR);
        }
        return data;
    }

    private static byte[] bytes(int first, int count) {
        byte[] data = new byte[count];
        for (int i = 0; i < count; i++) {
            data[i] = (byte) (first + i);
        }
        return data;
    }
}
