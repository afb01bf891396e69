package io.github.bootkernel.engine.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The transmitter of a {@link Uart16550} with a flow-controlled {@link HostEnd}. */
class Uart16550TransmitTest {

    private static final int THR = 0;
    private static final int RBR = 0;
    private static final int IER = 1;
    private static final int IIR = 2;
    private static final int FCR = 2;
    private static final int MCR = 4;
    private static final int LSR = 5;

    private static final int IER_RDI = 0x01;
    private static final int IER_THRI = 0x02;
    private static final int IIR_NO_INT = 0x01;
    private static final int IIR_THRI = 0x02;
    private static final int LSR_DR = 0x01;
    private static final int LSR_THRE = 0x20;
    private static final int LSR_TEMT = 0x40;
    private static final int MCR_LOOP = 0x10;

    private final List<Boolean> levels = Collections.synchronizedList(new ArrayList<>());
    private final RoomHost host = new RoomHost(new ByteArrayOutputStream(), 0);
    private final Uart16550 uart = new Uart16550(levels::add, host, Uart16550.HostInput.WHEN_LISTENING);

    private boolean lineAsserted() {
        return !levels.isEmpty() && levels.get(levels.size() - 1);
    }

    private void write(byte[] data) {
        for (byte b : data) {
            uart.write(THR, b);
        }
    }

    /** FIFOs on, ETBEI on, the first THRE acknowledged: what the driver has after its first interrupt. */
    private void transmitting() {
        uart.write(FCR, 0x01);
        uart.write(IER, IER_THRI);
        assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_THRI);
    }

    @Test
    void aHostWithRoomTakesEveryByteAtOnce() {
        host.room = Integer.MAX_VALUE;
        transmitting();

        write(bytes(0, 40));

        assertThat(host.taken.toByteArray()).isEqualTo(bytes(0, 40));
        assertThat(uart.read(LSR) & (LSR_THRE | LSR_TEMT)).isEqualTo(LSR_THRE | LSR_TEMT);
        assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_THRI);
        assertThat(uart.pendingOutput()).isZero();
    }

    @Test
    void aFullHostStopsTheTransmitter() {
        transmitting();

        write(bytes(0, 16));

        assertThat(host.taken.size()).isZero();
        assertThat(uart.pendingOutput()).isEqualTo(16);
        assertThat(uart.read(LSR) & (LSR_THRE | LSR_TEMT)).as("neither THRE nor TEMT while the FIFO holds bytes")
                .isZero();
        assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_NO_INT);
        assertThat(lineAsserted()).isFalse();
        assertThat(uart.transmitOverruns()).isZero();
    }

    @Test
    void resumingDrainsInOrderAndRaisesThreOnceTheFifoIsEmpty() {
        transmitting();
        write(bytes(0, 16));

        host.room = 5;
        uart.resumeTransmit();

        assertThat(host.taken.toByteArray()).isEqualTo(bytes(0, 5));
        assertThat(uart.read(LSR) & LSR_THRE).as("11 bytes still wait").isZero();
        assertThat(lineAsserted()).isFalse();

        host.room = 100;
        uart.resumeTransmit();

        assertThat(host.taken.toByteArray()).isEqualTo(bytes(0, 16));
        assertThat(uart.read(LSR) & (LSR_THRE | LSR_TEMT)).isEqualTo(LSR_THRE | LSR_TEMT);
        assertThat(lineAsserted()).as("THRE interrupt").isTrue();
        assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_THRI);
        assertThat(lineAsserted()).isFalse();
    }

    @Test
    void bytesWrittenWhileBytesWaitQueueBehindThem() {
        transmitting();
        write(bytes(0, 3));
        host.room = 2;

        write(bytes(3, 2)); // each write offers the FIFO from its oldest byte

        assertThat(host.taken.toByteArray()).isEqualTo(bytes(0, 2));
        assertThat(uart.pendingOutput()).isEqualTo(3);
        host.room = 10;
        uart.resumeTransmit();
        assertThat(host.taken.toByteArray()).isEqualTo(bytes(0, 5));
    }

    @Test
    void writingIntoAFullFifoDropsTheByteAndCountsIt() {
        transmitting();

        write(bytes(0, 18));

        assertThat(uart.transmitOverruns()).isEqualTo(2);
        host.room = 100;
        uart.resumeTransmit();
        assertThat(host.taken.toByteArray()).isEqualTo(bytes(0, 16));
    }

    @Test
    void withFifosDisabledTheHoldingRegisterHoldsOneByte() {
        uart.write(IER, IER_THRI);
        uart.read(IIR);

        write(bytes(0, 2));

        assertThat(uart.pendingOutput()).isEqualTo(1);
        assertThat(uart.transmitOverruns()).isEqualTo(1);
    }

    @Test
    void writingThrAcknowledgesThre() {
        host.room = 1;
        uart.write(IER, IER_THRI);
        assertThat(lineAsserted()).isTrue();

        write(bytes(0, 2)); // the first leaves at once and THRE pends again; the second stays

        assertThat(uart.read(IIR)).isEqualTo(IIR_NO_INT);
        assertThat(levels).containsExactly(true, false);
    }

    @Test
    void enablingEtbeiWhileBytesWaitRaisesNothingUntilTheyLeave() {
        uart.write(FCR, 0x01);
        write(bytes(0, 4));

        uart.write(IER, IER_THRI);

        assertThat(levels).isEmpty();
        host.room = 4;
        uart.resumeTransmit();
        assertThat(levels).containsExactly(true);
        assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_THRI);
    }

    @Test
    void withEtbeiOffAnEmptiedFifoRaisesNothing() {
        uart.write(FCR, 0x01);
        write(bytes(0, 4));
        host.room = 4;

        uart.resumeTransmit();

        assertThat(levels).isEmpty();
        assertThat(uart.read(LSR) & LSR_THRE).isEqualTo(LSR_THRE);
    }

    @Test
    void clearingTheTransmitFifoDiscardsItsBytesAndSetsThre() {
        transmitting();
        write(bytes(0, 10));

        uart.write(FCR, 0x01 | 0x04);

        assertThat(uart.pendingOutput()).isZero();
        assertThat(uart.read(LSR) & (LSR_THRE | LSR_TEMT)).isEqualTo(LSR_THRE | LSR_TEMT);
        assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_THRI);
        host.room = 100;
        uart.resumeTransmit();
        assertThat(host.taken.size()).isZero();
        assertThat(uart.transmitOverruns()).as("a clear is not an overrun").isZero();
    }

    @Test
    void loopbackNeverReachesTheHost() {
        host.room = 100;
        uart.write(FCR, 0x01);
        uart.write(IER, IER_RDI);
        uart.write(MCR, MCR_LOOP);

        write(bytes(0x41, 3));

        assertThat(host.taken.size()).isZero();
        assertThat(uart.read(LSR) & LSR_DR).isEqualTo(LSR_DR);
        assertThat(uart.read(RBR)).isEqualTo(0x41);
    }

    @Test
    void theHostHearsOfInputRoomOnceHalfTheQueueIsFree() {
        uart.write(FCR, 0x01);
        uart.write(IER, IER_RDI);
        byte[] input = bytes(0, Uart16550.INPUT_QUEUE_CAPACITY + 100);
        int accepted = uart.enqueueInput(input);
        assertThat(accepted).isEqualTo(Uart16550.INPUT_QUEUE_CAPACITY);

        int read = 0;
        while (host.inputRooms == 0) {
            assertThat(uart.read(LSR) & LSR_DR).isEqualTo(LSR_DR);
            uart.read(RBR);
            read++;
        }

        assertThat(read).as("bytes the guest read; 16 more sit in its FIFO")
                .isBetween(Uart16550.INPUT_QUEUE_CAPACITY / 2 - 16, Uart16550.INPUT_QUEUE_CAPACITY / 2);
        while ((uart.read(LSR) & LSR_DR) != 0) {
            uart.read(RBR);
        }
        assertThat(host.inputRooms).as("once per refusal").isEqualTo(1);
    }

    @Test
    void theHostEndIsRequired() {
        assertThatThrownBy(() -> new Uart16550(level -> { }, (HostEnd) null, Uart16550.HostInput.ON_ARRIVAL))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("hostEnd");
    }

    /**
     * A guest transmitting as Linux's driver does (wait for THRE, then write up to 16 bytes) and a
     * host that takes the bytes slowly, through a small buffer, from another thread.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void noByteIsLostAcrossOneMebibyteWithASlowConsumer() throws InterruptedException {
        int total = 1 << 20;
        BlockingQueue<Byte> buffer = new ArrayBlockingQueue<>(1000);
        AtomicReference<Uart16550> self = new AtomicReference<>();
        Uart16550 port = new Uart16550(level -> { }, new HostEnd() {
            @Override
            public boolean offerOutput(int value) {
                return buffer.offer((byte) value);
            }

            @Override
            public void inputRoom() {
            }
        }, Uart16550.HostInput.WHEN_LISTENING);
        self.set(port);
        byte[] received = new byte[total];
        Thread consumer = new Thread(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    received[i] = buffer.take();
                    if (i % 4096 == 0) {
                        Thread.sleep(1); // slow: the guest outruns it
                    }
                    if (buffer.remainingCapacity() > 100) {
                        self.get().resumeTransmit();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "slow-consumer");
        consumer.start();

        port.write(FCR, 0x01);
        int sent = 0;
        long stalls = 0;
        while (sent < total) {
            if ((port.read(LSR) & LSR_THRE) == 0) {
                stalls++;
                Thread.onSpinWait();
                continue;
            }
            for (int i = 0; i < 16 && sent < total; i++) {
                port.write(THR, pattern(sent++));
            }
        }
        consumer.join();

        assertThat(port.transmitOverruns()).isZero();
        assertThat(stalls).as("the consumer was slower than the guest").isPositive();
        for (int i = 0; i < total; i++) {
            if (received[i] != (byte) pattern(i)) {
                throw new AssertionError("byte " + i + " is " + received[i] + ", expected " + (byte) pattern(i));
            }
        }
    }

    private static int pattern(int i) {
        return (i * 7 + (i >> 8)) & 0xFF;
    }

    static byte[] bytes(int first, int count) {
        byte[] data = new byte[count];
        for (int i = 0; i < count; i++) {
            data[i] = (byte) (first + i);
        }
        return data;
    }
}
