package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.devices.Uart16550;
import io.github.bootkernel.engine.serial.SerialChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * COM2's byte streams on a real machine: hand-assembled guests on this host's KVM (PVM on the
 * build machines) echo or write through the second UART while host threads use the streams.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Com2StreamsTest {

    /** "Ends promptly": well within this after what ends it. */
    private static final long PROMPTLY_S = 5;

    @TempDir
    Path dir;

    @Test
    void aPollingGuestEchoesWhatTheHostWrites() throws Exception {
        try (Machine m = TinyGuests.boot(dir, "polling-echo", SerialGuests.pollingEcho())) {
            assertEchoesInRounds(m);
        }
    }

    @Test
    void anInterruptDrivenGuestEchoesWhatTheHostWrites() throws Exception {
        try (Machine m = TinyGuests.boot(dir, "interrupt-echo", SerialGuests.interruptEcho())) {
            assertEchoesInRounds(m);
            assertEchoesMoreThanTheInputQueueHolds(m);
        }
    }

    /**
     * Writes random bytes and reads their echo, in rounds (so an interrupt-driven guest takes
     * one interrupt or more per round): all of it comes back, in order.
     */
    private static void assertEchoesInRounds(Machine m) throws Exception {
        Random random = new Random(9);
        for (int round = 0; round < 20; round++) {
            byte[] sent = new byte[1 + random.nextInt(2000)];
            random.nextBytes(sent);
            m.com2().toGuest().write(sent);
            assertEcho(m, sent);
        }
        assertThat(m.com2().uart().transmitOverruns()).isZero();
    }

    /** Writes more than the input queue holds from another thread, which waits for room: all of it comes back. */
    private static void assertEchoesMoreThanTheInputQueueHolds(Machine m) throws Exception {
        SerialChannel com2 = m.com2();
        byte[] sent = new byte[Uart16550.INPUT_QUEUE_CAPACITY + 4096];
        new Random(10).nextBytes(sent);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                com2.toGuest().write(sent);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEcho(m, sent);
        writer.get(PROMPTLY_S, TimeUnit.SECONDS);
        assertThat(com2.uart().transmitOverruns()).isZero();
    }

    private static void assertEcho(Machine m, byte[] sent) throws IOException {
        byte[] echoed = m.com2().fromGuest().readNBytes(sent.length);
        assertThat(echoed.length).as("bytes echoed before the guest ended (%s)", m.exit()).isEqualTo(sent.length);
        assertThat(Arrays.equals(echoed, sent)).as("the echo is what was sent").isTrue();
    }

    @Test
    void aSlowReaderGetsEveryByteOfAPollingWriterInOrderThenTheEndOfTheStream() throws Exception {
        int bursts = 8 * 1024; // 128 KiB: twice the channel's buffer
        try (Machine m = TinyGuests.boot(dir, "writer", SerialGuests.writer(bursts))) {
            assertSlowReaderGetsAll(m, bursts * 16);
        }
    }

    /** The reader's room resumes the transmitter, whose THRE interrupt reaches the guest through KVM. */
    @Test
    void aSlowReaderGetsEveryByteOfAnInterruptDrivenWriterInOrderThenTheEndOfTheStream() throws Exception {
        int bursts = 8 * 1024;
        try (Machine m = TinyGuests.boot(dir, "interrupt-writer", SerialGuests.interruptWriter(bursts))) {
            assertSlowReaderGetsAll(m, bursts * 16);
        }
    }

    private static void assertSlowReaderGetsAll(Machine m, int count) throws Exception {
        InputStream in = m.com2().fromGuest();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        long reads = 0;
        for (int n; (n = in.read(chunk)) >= 0; ) {
            received.write(chunk, 0, n);
            if (++reads % 8 == 0) {
                Thread.sleep(20); // slower than the guest: the buffer fills and holds it back
            }
        }

        byte[] data = received.toByteArray();
        assertThat(data.length).as("bytes before the end (%s)", m.exit()).isEqualTo(count);
        for (int i = 0; i < data.length; i++) {
            if (data[i] != (byte) i) {
                throw new AssertionError("byte " + i + " is " + data[i]);
            }
        }
        assertThat(m.exit()).hasValueSatisfying(e -> assertThat(e.toString()).isEqualTo("exit status 0"));
        assertThat(m.com2().uart().transmitOverruns()).isZero();
    }

    @Test
    void theGuestsEndEndsABlockedReadWithWhatItWroteThenTheEndOfTheStream() throws Exception {
        try (Machine m = TinyGuests.boot(dir, "short-writer", SerialGuests.writer(1))) {
            byte[] all = m.com2().fromGuest().readAllBytes(); // returns at the end of the stream

            assertThat(all).hasSize(16);
            assertThat(m.awaitExit(Duration.ofSeconds(PROMPTLY_S))).isPresent();
        }
    }

    @Test
    void closeEndsABlockedReaderAndABlockedWriter() throws Exception {
        Machine m = TinyGuests.boot(dir, "spin", TinyGuests.SPIN); // never listens: host input waits in the queue
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return m.com2().fromGuest().read();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
            try {
                m.com2().toGuest().write(new byte[Uart16550.INPUT_QUEUE_CAPACITY + 1]);
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        Thread.sleep(200);
        assertThat(read).isNotDone();
        assertThat(write).isNotDone();

        m.close();

        assertThat(read.get(PROMPTLY_S, TimeUnit.SECONDS)).isEqualTo(-1);
        assertThat(write).failsWithin(PROMPTLY_S, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .withMessageContaining("cannot write to ttyS1: the guest ended (STOPPED: closed by the host)");
    }
}
