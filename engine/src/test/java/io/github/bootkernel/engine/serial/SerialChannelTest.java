package io.github.bootkernel.engine.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.devices.Uart16550;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The channel's streams with its UART driven directly, as a guest's driver would: registers read
 * and written from the test thread (or a "guest" thread), the streams used from others.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SerialChannelTest {

    private static final int THR = 0;
    private static final int RBR = 0;
    private static final int IER = 1;
    private static final int IIR = 2;
    private static final int FCR = 2;
    private static final int LSR = 5;
    private static final int IER_RDI = 0x01;
    private static final int IER_THRI = 0x02;
    private static final int IIR_THRI = 0x02;
    private static final int LSR_DR = 0x01;
    private static final int LSR_THRE = 0x20;
    /** "Ends promptly": a blocked call must return well within this after what ends it. */
    private static final long PROMPTLY_MS = 5_000;

    private final List<Boolean> levels = Collections.synchronizedList(new ArrayList<>());
    private final SerialChannel channel = new SerialChannel("ttyS1", levels::add);
    private final Uart16550 uart = channel.uart();
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stopThreads() throws InterruptedException {
        channel.end("the test ended");
        for (Thread t : threads) {
            t.interrupt();
            t.join(PROMPTLY_MS);
        }
    }

    private boolean lineAsserted() {
        return !levels.isEmpty() && levels.get(levels.size() - 1);
    }

    private <T> Future<T> inThread(String name, java.util.concurrent.Callable<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return result;
    }

    /** The guest transmits, ignoring THRE (the buffer has room for all of it). */
    private void guestWrites(byte[] data) {
        for (byte b : data) {
            uart.write(THR, b);
        }
    }

    private static Throwable failureOf(Future<?> f) throws InterruptedException, TimeoutException {
        try {
            f.get(PROMPTLY_MS, TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got a result");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static void assertStillBlocked(Future<?> f) throws InterruptedException {
        Thread.sleep(100);
        assertThat(f).as("still blocked").isNotDone();
    }

    @Test
    void whatTheGuestWritesIsReadInOrderThenTheEndOfTheStream() throws Exception {
        guestWrites(bytes(0, 300));
        channel.end("exit status 0");

        assertThat(channel.fromGuest().readAllBytes()).isEqualTo(bytes(0, 300));
        assertThat(channel.fromGuest().read()).isEqualTo(-1);
    }

    @Test
    void aReaderWaitsForTheGuestsFirstByte() throws Exception {
        Future<Integer> read = inThread("reader", () -> channel.fromGuest().read());
        assertStillBlocked(read);

        uart.write(THR, 'x');

        assertThat(read.get(PROMPTLY_MS, TimeUnit.MILLISECONDS)).isEqualTo('x');
    }

    @Test
    void theGuestsEndEndsABlockedReadWithTheEndOfTheStream() throws Exception {
        Future<Integer> read = inThread("reader", () -> channel.fromGuest().read());
        assertStillBlocked(read);

        channel.end("exit status 3");

        assertThat(read.get(PROMPTLY_MS, TimeUnit.MILLISECONDS)).isEqualTo(-1);
    }

    @Test
    void aFullBufferHoldsTheGuestAndReadingResumesItWithAThreInterrupt() throws Exception {
        uart.write(FCR, 0x01);
        guestWrites(bytes(0, SerialChannel.OUTPUT_BUFFER_BYTES + 16));
        assertThat(uart.pendingOutput()).as("held in the UART's FIFO").isEqualTo(16);
        assertThat(uart.read(LSR) & LSR_THRE).isZero();
        assertThat(uart.transmitOverruns()).isZero();
        uart.write(IER, IER_THRI); // the driver waits for THRE
        assertThat(lineAsserted()).isFalse();

        InputStream in = channel.fromGuest();
        byte[] firstHalf = in.readNBytes(SerialChannel.OUTPUT_BUFFER_BYTES / 2 - 1);
        assertThat(uart.pendingOutput()).as("not yet half free").isEqualTo(16);
        firstHalf = concat(firstHalf, in.readNBytes(1));

        assertThat(uart.pendingOutput()).isZero();
        assertThat(lineAsserted()).as("THRE interrupt").isTrue();
        assertThat(uart.read(IIR)).isEqualTo(0xC0 | IIR_THRI);
        channel.end("exit status 0");
        byte[] all = concat(firstHalf, in.readAllBytes());
        assertThat(all).isEqualTo(bytes(0, SerialChannel.OUTPUT_BUFFER_BYTES + 16));
    }

    @Test
    void bytesHeldInTheUartAtTheEndAreReadBeforeTheEndOfTheStream() throws Exception {
        uart.write(FCR, 0x01);
        guestWrites(bytes(0, SerialChannel.OUTPUT_BUFFER_BYTES + 16));

        channel.end("exit status 0");

        assertThat(channel.fromGuest().readAllBytes()).isEqualTo(bytes(0, SerialChannel.OUTPUT_BUFFER_BYTES + 16));
    }

    @Test
    void aReaderIsIdleOnlyOnceItWaitsWithNothingBufferedAndNothingHeldInTheUart() throws Exception {
        assertThat(channel.awaitReaderIdle(java.time.Duration.ofMillis(100))).as("no reader yet").isFalse();
        uart.write(FCR, 0x01);
        guestWrites(bytes(0, SerialChannel.OUTPUT_BUFFER_BYTES + 16)); // 16 held in the UART's FIFO
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        Future<byte[]> reader = inThread("reader", () -> {
            go.await();
            byte[] all = channel.fromGuest().readNBytes(SerialChannel.OUTPUT_BUFFER_BYTES + 16);
            channel.fromGuest().read(); // waits: the guest sends nothing more
            return all;
        });
        assertThat(channel.awaitReaderIdle(java.time.Duration.ofMillis(100))).as("bytes wait to be read").isFalse();

        go.countDown();

        assertThat(channel.awaitReaderIdle(java.time.Duration.ofSeconds(10))).isTrue();
        assertThat(uart.pendingOutput()).as("the UART's held bytes were read too").isZero();
        assertThat(reader).isNotDone();
        channel.end("exit status 0");
        assertThat(reader.get(PROMPTLY_MS, TimeUnit.MILLISECONDS)).isEqualTo(bytes(0, SerialChannel.OUTPUT_BUFFER_BYTES + 16));
        assertThat(channel.awaitReaderIdle(java.time.Duration.ofSeconds(10))).as("ended: no reader will wait").isFalse();
    }

    /** A guest transmitting as Linux's driver does; a reader that sleeps now and then. */
    @Test
    void aSlowReaderNeverLosesBytes() throws Exception {
        int total = 1 << 20;
        AtomicBoolean stop = new AtomicBoolean();
        Future<Long> guest = inThread("guest", () -> {
            uart.write(FCR, 0x01);
            int sent = 0;
            long stalls = 0;
            while (sent < total && !stop.get()) {
                if ((uart.read(LSR) & LSR_THRE) == 0) {
                    stalls++;
                    Thread.sleep(0, 100_000);
                    continue;
                }
                for (int i = 0; i < 16 && sent < total; i++) {
                    uart.write(THR, sent++);
                }
            }
            channel.end("exit status 0");
            return stalls;
        });

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] chunk = new byte[1000];
        InputStream in = channel.fromGuest();
        try {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                received.write(chunk, 0, n);
                if (received.size() % 50 < 3) {
                    Thread.sleep(1);
                }
            }
        } finally {
            stop.set(true);
        }

        assertThat(guest.get(PROMPTLY_MS, TimeUnit.MILLISECONDS)).as("times the guest found the FIFO full").isPositive();
        assertThat(uart.transmitOverruns()).isZero();
        byte[] data = received.toByteArray();
        assertThat(data).hasSize(total);
        for (int i = 0; i < total; i++) {
            if (data[i] != (byte) i) {
                throw new AssertionError("byte " + i + " is " + data[i]);
            }
        }
    }

    @Test
    void aWriterWaitsWhileTheInputQueueIsFullAndGoesOnAsTheGuestReads() throws Exception {
        byte[] input = bytes(0, Uart16550.INPUT_QUEUE_CAPACITY * 3);
        Future<Void> write = inThread("writer", () -> {
            channel.toGuest().write(input);
            return null;
        });
        assertStillBlocked(write); // the guest does not listen yet: everything waits in the queue

        uart.write(FCR, 0x01);
        uart.write(IER, IER_RDI);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.size() < input.length && System.nanoTime() < deadline) {
            if ((uart.read(LSR) & LSR_DR) != 0) {
                received.write(uart.read(RBR));
            } else {
                Thread.onSpinWait();
            }
        }

        write.get(PROMPTLY_MS, TimeUnit.MILLISECONDS);
        assertThat(received.toByteArray()).isEqualTo(input);
    }

    @Test
    void theGuestsEndFailsABlockedWriterAndEveryLaterWriteNamingTheEnd() throws Exception {
        Future<Void> write = inThread("writer", () -> {
            channel.toGuest().write(new byte[Uart16550.INPUT_QUEUE_CAPACITY + 1]);
            return null;
        });
        assertStillBlocked(write);

        channel.end("exit status 3");

        assertThat(failureOf(write)).isInstanceOf(IOException.class)
                .hasMessage("cannot write to ttyS1: the guest ended (exit status 3)");
        assertThatThrownBy(() -> channel.toGuest().write(1)).isInstanceOf(IOException.class)
                .hasMessageContaining("exit status 3");
    }

    @Test
    void closingTheInputStreamEndsABlockedReadAndLetsTheGuestGoOn() throws Exception {
        Future<Integer> read = inThread("reader", () -> channel.fromGuest().read());
        assertStillBlocked(read);

        channel.fromGuest().close();

        assertThat(failureOf(read)).isInstanceOf(IOException.class).hasMessage("the stream from ttyS1 is closed");
        uart.write(FCR, 0x01);
        guestWrites(bytes(0, SerialChannel.OUTPUT_BUFFER_BYTES + 100));
        assertThat(uart.pendingOutput()).as("nothing holds the guest back").isZero();
        assertThat(channel.discardedOutput()).isEqualTo(SerialChannel.OUTPUT_BUFFER_BYTES + 100);
    }

    @Test
    void closingTheInputStreamReleasesWhatTheUartHeld() throws IOException {
        uart.write(FCR, 0x01);
        guestWrites(bytes(0, SerialChannel.OUTPUT_BUFFER_BYTES + 16));

        channel.fromGuest().close();

        assertThat(uart.pendingOutput()).isZero();
        assertThat(uart.read(LSR) & LSR_THRE).isEqualTo(LSR_THRE);
        assertThat(channel.discardedOutput()).isEqualTo(SerialChannel.OUTPUT_BUFFER_BYTES + 16);
    }

    @Test
    void closingTheOutputStreamEndsABlockedWrite() throws Exception {
        Future<Void> write = inThread("writer", () -> {
            channel.toGuest().write(new byte[Uart16550.INPUT_QUEUE_CAPACITY + 1]);
            return null;
        });
        assertStillBlocked(write);

        channel.toGuest().close();

        assertThat(failureOf(write)).isInstanceOf(IOException.class).hasMessage("the stream to ttyS1 is closed");
    }

    @Test
    void anInterruptEndsABlockedReadAndKeepsTheFlag() throws Exception {
        Future<Boolean> read = inThread("reader", () -> {
            try {
                channel.fromGuest().read();
                return false;
            } catch (InterruptedIOException e) {
                return Thread.currentThread().isInterrupted();
            }
        });
        assertStillBlocked(read);

        threads.get(0).interrupt();

        assertThat(read.get(PROMPTLY_MS, TimeUnit.MILLISECONDS)).as("interrupt flag kept").isTrue();
    }

    @Test
    void anInterruptEndsABlockedWriteAndKeepsTheFlag() throws Exception {
        Future<Integer> write = inThread("writer", () -> {
            try {
                channel.toGuest().write(new byte[Uart16550.INPUT_QUEUE_CAPACITY + 5]);
                return -1;
            } catch (InterruptedIOException e) {
                return Thread.currentThread().isInterrupted() ? e.bytesTransferred : -2;
            }
        });
        assertStillBlocked(write);

        threads.get(0).interrupt();

        assertThat(write.get(PROMPTLY_MS, TimeUnit.MILLISECONDS)).isEqualTo(Uart16550.INPUT_QUEUE_CAPACITY);
    }

    @Test
    void availableCountsWhatIsBuffered() throws IOException {
        guestWrites(bytes(0, 10));
        assertThat(channel.fromGuest().available()).isEqualTo(10);
        assertThat(channel.fromGuest().read(new byte[4])).isEqualTo(4);
        assertThat(channel.fromGuest().available()).isEqualTo(6);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static byte[] bytes(int first, int count) {
        byte[] data = new byte[count];
        for (int i = 0; i < count; i++) {
            data[i] = (byte) (first + i);
        }
        return data;
    }
}
