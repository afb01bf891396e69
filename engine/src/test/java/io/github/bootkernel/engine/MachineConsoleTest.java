package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.console.Console;
import io.github.bootkernel.engine.console.Subscription;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real machine's console (hand-assembled guests, any KVM): every wait on it ends when the guest
 * does, saying how, and host code that reads it (followers, the raw-output consumer) never runs on
 * the vCPU thread, so one that blocks stalls neither the guest nor {@code close()}.
 */
@Timeout(120) // a regression shows as a failed bound below, not as a hung build
class MachineConsoleTest {

    /** What the waits are given: far longer than any of these guests lives. */
    private static final Duration LONG = Duration.ofSeconds(60);
    /** "Promptly": what every wait must take at most once the guest ended. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    private static final Pattern NEVER = Pattern.compile("a line the guest never prints");

    @TempDir
    Path dir;

    private Machine start(byte[] code, Duration timeout, IntConsumer rawOutput) throws Exception {
        MachineConfig.Builder config = MachineConfig.builder(TinyGuests.write(dir, "guest", code)).memoryMiB(32);
        if (timeout != null) {
            config.timeout(timeout);
        }
        return rawOutput == null ? Machine.start(config.build()) : Machine.start(config.build(), rawOutput);
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    // ------------------------------------------------------------- waits end with the guest

    @Test
    void awaitLineEndsWhenTheGuestExitsAndTheConsoleSaysHow() throws Exception {
        try (Machine m = start(TinyGuests.printThenExit("hello\r\nno newline", 3), null, null)) {
            long t0 = System.nanoTime();
            Optional<String> line = m.console().awaitLine(NEVER, LONG);

            assertThat(since(t0)).as("awaitLine(60 s) after the guest exited").isLessThan(PROMPTLY);
            assertThat(line).isEmpty();
            assertThat(m.console().isEnded()).isTrue();
            assertThat(m.console().endReason()).contains("exit status 3");
            assertThat(m.console().lines()).as("every byte written before the end").containsExactly("hello");
            assertThat(m.console().partialLine()).isEqualTo("no newline");
        }
    }

    @Test
    void awaitEndEndsWhenTheGuestExits() throws Exception {
        try (Machine m = start(TinyGuests.printThenExit("bye\r\n", 0), null, null)) {
            long t0 = System.nanoTime();

            assertThat(m.console().awaitEnd(LONG)).isTrue();
            assertThat(since(t0)).as("awaitEnd(60 s)").isLessThan(PROMPTLY);
            assertThat(m.console().endReason()).contains("exit status 0");
        }
    }

    @Test
    void awaitExitReturnsWithTheConsoleComplete() throws Exception {
        try (Machine m = start(TinyGuests.printThenExit("one\r\ntwo\r\n", 5), null, null)) {
            long t0 = System.nanoTime();
            GuestExit exit = m.awaitExit(LONG).orElseThrow();

            assertThat(since(t0)).as("awaitExit(60 s)").isLessThan(PROMPTLY);
            assertThat(exit.status()).isEqualTo(5);
            assertThat(m.console().isEnded()).as("ended when awaitExit returns").isTrue();
            assertThat(m.console().lines()).containsExactly("one", "two");
        }
    }

    @Test
    void aTimeLimitEndsTheConsoleToo() throws Exception {
        try (Machine m = start(TinyGuests.SPIN, Duration.ofMillis(300), null)) {
            long t0 = System.nanoTime();

            assertThat(m.console().awaitLine(NEVER, LONG)).isEmpty();
            assertThat(since(t0)).as("awaitLine(60 s) on a guest with a 300 ms limit").isLessThan(PROMPTLY);
            assertThat(m.console().endReason()).hasValueSatisfying(how -> assertThat(how).startsWith("TIMEOUT"));
        }
    }

    @Test
    void closeEndsTheConsoleSayingSo() throws Exception {
        Machine m = start(TinyGuests.SPIN, null, null);
        assertThat(m.console().awaitEnd(Duration.ofMillis(100))).isFalse();
        m.close();

        assertThat(m.console().isEnded()).isTrue();
        assertThat(m.console().endReason()).contains("STOPPED: closed by the host");
    }

    // ---------------------------------------------------------- host code off the vCPU thread

    @Test
    void followersAndTheRawConsumerRunOnTheConsolesThreadNotTheVcpus() throws Exception {
        AtomicReference<String> followerThread = new AtomicReference<>();
        AtomicReference<String> rawThread = new AtomicReference<>();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        Machine m = start(TinyGuests.printThenExit("one\r\ntwo\r\n", 0), null, b -> {
            rawThread.compareAndSet(null, Thread.currentThread().getName());
            raw.write(b);
        });
        Subscription s = m.console().follow(line -> followerThread.compareAndSet(null,
                Thread.currentThread().getName()), true);
        assertThat(m.awaitExit(LONG)).isPresent();
        assertThat(s.awaitDelivered(LONG)).isTrue();
        m.close(); // lets the raw consumer take what is left

        assertThat(followerThread.get()).startsWith("bootkernel-console-");
        assertThat(rawThread.get()).startsWith("bootkernel-console-");
        assertThat(raw.toString(StandardCharsets.US_ASCII)).as("every byte, in order").isEqualTo("one\r\ntwo\r\n");
        assertThat(m.rawOutputDropped()).isZero();
    }

    @Test
    void aBlockingFollowerStallsNeitherTheGuestNorItsTimeLimitNorClose() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try {
            Machine m = start(TinyGuests.printForever("flood\r\n"), Duration.ofSeconds(1), null);
            Subscription s = m.console().follow(line -> await(never));
            long t0 = System.nanoTime();

            assertThat(m.awaitExit(LONG)).hasValueSatisfying(e -> assertThat(e.kind()).isEqualTo(GuestExit.Kind.TIMEOUT));
            assertThat(since(t0)).as("a 1 s time limit with a blocked follower").isLessThan(PROMPTLY);
            assertThat(m.console().lineCount()).as("the guest ran on").isGreaterThan(100);
            long t1 = System.nanoTime();
            m.close(); // would throw if the vCPU thread could not be stopped

            assertThat(since(t1)).as("close() with a blocked follower").isLessThan(PROMPTLY);
            assertThat(s.droppedLines()).as("lines the abandoned follower never got").isPositive();
            assertThat(s.awaitDelivered(Duration.ZERO)).as("abandoned: its subscription is closed").isFalse();
        } finally {
            never.countDown();
        }
    }

    @Test
    void aBlockingRawConsumerStallsNeitherTheGuestNorItsTimeLimitNorClose() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try {
            Machine m = start(TinyGuests.printForever("flood\r\n"), Duration.ofSeconds(1), b -> await(never));
            long t0 = System.nanoTime();

            assertThat(m.awaitExit(LONG)).hasValueSatisfying(e -> assertThat(e.kind()).isEqualTo(GuestExit.Kind.TIMEOUT));
            assertThat(since(t0)).as("a 1 s time limit with a blocked raw consumer").isLessThan(PROMPTLY);
            long t1 = System.nanoTime();
            m.close();

            assertThat(since(t1)).as("close() with a blocked raw consumer").isLessThan(PROMPTLY);
            long written = m.console().lineCount() * "flood\r\n".length();
            assertThat(m.rawOutputDropped()).as("all but the byte the consumer is stuck on")
                    .isGreaterThanOrEqualTo(written - 1);
        } finally {
            never.countDown();
        }
    }

    @Test
    void aFollowerMayCloseItsMachine() throws Exception {
        Machine m = start(TinyGuests.printForever("flood\r\n"), null, null);
        m.console().follow(line -> m.close());
        long t0 = System.nanoTime();

        assertThat(m.awaitExit(LONG)).hasValueSatisfying(e -> assertThat(e.kind()).isEqualTo(GuestExit.Kind.STOPPED));
        assertThat(since(t0)).isLessThan(PROMPTLY);
        Console console = m.console();
        assertThat(console.awaitEnd(LONG)).isTrue();
        m.close();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
