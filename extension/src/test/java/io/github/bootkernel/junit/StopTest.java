package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.MachineClosedException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;
import org.junit.platform.testkit.engine.Events;

/**
 * Issue 8, "Long runs and load": whatever stops a test stops its guest. A {@code close()} from
 * another thread ends a running guest and every wait on it; a JUnit {@code @Timeout} (the test's
 * own thread, or {@code SEPARATE_THREAD}) and an interrupted test thread make the test fail
 * promptly, reported as timed out or failed, and its guest ends, its machine is closed, and no
 * vCPU thread or file descriptor is left behind. The tests block for minutes unless stopped.
 */
class StopTest {

    /** How long a stopped test may take: far below the minutes its body would wait. */
    private static final Duration PROMPTLY = Duration.ofSeconds(10);
    private static final Duration FOREVER = Duration.ofMinutes(5);
    private static final Pattern NEVER = Pattern.compile("a line the probe never prints");

    private static final List<Guest> guests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void clear() {
        guests.clear();
    }

    @Test
    void closeFromAnotherThreadEndsTheGuestAndEveryWaitOnIt() {
        Events tests = run(ClosedByAnotherThread.class);

        tests.assertStatistics(s -> s.started(1).succeeded(1));
        assertStoppedAndClosed(1);
    }

    @Test
    void timeoutInTheTestThreadStopsTheGuest() {
        assertBothFailedPromptlyWithTheirGuestsStopped(run(TimeoutInTestThread.class), TimeoutException.class);
    }

    @Test
    void timeoutInASeparateThreadStopsTheGuestEvenIfTheTestIgnoresInterrupts() {
        assertBothFailedPromptlyWithTheirGuestsStopped(run(TimeoutInSeparateThread.class), TimeoutException.class);
    }

    @Test
    void interruptedTestThreadStopsTheGuest() {
        assertBothFailedPromptlyWithTheirGuestsStopped(run(Interrupted.class), InterruptedException.class);
    }

    @Test
    void testThreadInterruptedWhileTheGuestBootsStopsTheGuest() {
        Events tests = run(InterruptedWhileBooting.class);

        tests.assertStatistics(s -> s.started(1).failed(1));
        assertPrompt(tests);
        assertStoppedAndClosed(0);
    }

    @Test
    void testThreadInterruptedBeforeTheGuestBootsFailsTheTestAndStartsNoGuest() {
        Events tests = run(InterruptedBeforeBoot.class);

        tests.assertStatistics(s -> s.started(1).failed(1));
        tests.assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m ->
                m.contains("the test thread was interrupted before the guest for parameter #0 of "
                        + InterruptedBeforeBoot.class.getName() + ".test(Guest) started")))));
        assertStoppedAndClosed(0);
        assertThat(InterruptedBeforeBoot.stillInterrupted).as("the interrupt is kept for the test").isTrue();
    }

    /**
     * Runs a fixture and checks, after it, that no vCPU thread runs and no file descriptor is
     * left open beyond what the first run of a fixture opens for good (JNA, the jars; a jar a
     * fixture is the first to load a class from stays open too).
     */
    private static Events run(Class<?> fixture) {
        TestKit.run(WarmUp.class);
        ProcessFigures before = ProcessFigures.now();
        Events tests = TestKit.run(fixture).testEvents();
        ProcessFigures after = ProcessFigures.now();
        System.out.printf("%s:%n%s", fixture.getSimpleName(), before.against(after));
        assertThat(after.vcpuThreads()).as("vCPU threads alive").isZero();
        assertThat(after.leftOpenSince(before)).as("file descriptors opened and left open").isEmpty();
        return tests;
    }

    /** Both tests of the fixture failed with {@code failure}, promptly, and their guests are stopped. */
    private static void assertBothFailedPromptlyWithTheirGuestsStopped(Events tests, Class<? extends Throwable> failure) {
        tests.assertStatistics(s -> s.started(2).failed(2));
        tests.assertThatEvents().haveExactly(2, event(finishedWithFailure(instanceOf(failure),
                message(m -> failure != TimeoutException.class || m.endsWith("timed out after 1 second")))));
        assertPrompt(tests);
        assertStoppedAndClosed(2);
    }

    /** Each test ended within {@link #PROMPTLY} of its start. */
    private static void assertPrompt(Events tests) {
        for (Event finished : tests.filter(e -> e.getType() == EventType.FINISHED).toList()) {
            Event started = tests.started().filter(e -> e.getTestDescriptor().equals(finished.getTestDescriptor()))
                    .findFirst().orElseThrow();
            Duration took = Duration.between(started.getTimestamp(), finished.getTimestamp());
            System.out.printf("  %s ended after %d ms%n", finished.getTestDescriptor().getDisplayName(), took.toMillis());
            assertThat(took).as(finished.getTestDescriptor().getDisplayName()).isLessThan(PROMPTLY);
        }
    }

    /** The guests the fixture recorded ended, {@code STOPPED}, and their machines are closed. */
    private static void assertStoppedAndClosed(int count) {
        assertThat(guests).hasSize(count);
        for (Guest guest : guests) {
            assertThat(guest.exit()).map(GuestExit::kind).contains(GuestExit.Kind.STOPPED);
            assertThat(guest.console().isEnded()).isTrue();
            assertThatThrownBy(() -> guest.send("x")).isInstanceOf(MachineClosedException.class);
        }
    }

    private static Guest record(Guest guest) {
        guests.add(guest);
        return guest;
    }

    @TestKitOnly
    static class WarmUp {
        @Test
        void boots(@BootKernel(kernel = "probe", cmdline = "probe.exit=0", memory = 32) Guest guest)
                throws InterruptedException {
            guest.awaitExit(PROMPTLY);
        }
    }

    @TestKitOnly
    static class ClosedByAnotherThread {
        @Test
        void closedWhileItFloods(@BootKernel(kernel = "probe", cmdline = "probe.flood=0", memory = 32) Guest guest)
                throws Exception {
            record(guest);
            assertThat(guest.console().awaitLine(Pattern.compile("flood 100$"), PROMPTLY)).isPresent();
            ScheduledExecutorService threads = Executors.newScheduledThreadPool(3);
            try {
                var waiter = threads.submit(() -> guest.console().awaitLine(NEVER, FOREVER));
                // two threads close at once: both return, the guest ends once
                var first = threads.schedule(guest::close, 100, TimeUnit.MILLISECONDS);
                var second = threads.schedule(guest::close, 100, TimeUnit.MILLISECONDS);

                GuestExit exit = guest.awaitExit(PROMPTLY);

                assertThat(exit.kind()).isEqualTo(GuestExit.Kind.STOPPED);
                first.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
                second.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
                assertThat(waiter.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS)).as("a wait on the console").isEmpty();
                assertThat(guest.console().isEnded()).isTrue();
                assertThat(guest.console().lines()).anyMatch(l -> l.endsWith("flood 100"));
            } finally {
                threads.shutdownNow();
            }
        }
    }

    /** Waits for an end that comes only when the guest is stopped. */
    static void waitForTheEnd(Guest guest) throws InterruptedException {
        record(guest).awaitExit(FOREVER);
    }

    /** Waits for a line that never comes; the wait ends with the guest. */
    static void waitForALine(Guest guest) throws InterruptedException {
        record(guest).console().awaitLine(NEVER, FOREVER);
    }

    @TestKitOnly
    static class TimeoutInTestThread {
        @Test
        @Timeout(1)
        void waitsForTheEnd(@BootKernel(kernel = "probe", cmdline = "probe.hlt", memory = 32) Guest guest)
                throws InterruptedException {
            waitForTheEnd(guest);
        }

        @Test
        @Timeout(1)
        void waitsForALine(@BootKernel(kernel = "probe", cmdline = "probe.spin", memory = 32) Guest guest)
                throws InterruptedException {
            waitForALine(guest);
        }
    }

    @TestKitOnly
    static class TimeoutInSeparateThread {
        @Test
        @Timeout(value = 1, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
        void waitsForTheEnd(@BootKernel(kernel = "probe", cmdline = "probe.hlt", memory = 32) Guest guest)
                throws InterruptedException {
            waitForTheEnd(guest);
        }

        /** Ignores interrupts: only the guest's end, when JUnit closes it, lets this thread go. */
        @Test
        @Timeout(value = 1, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
        void spinsUntilTheGuestEnds(@BootKernel(kernel = "probe", cmdline = "probe.spin", memory = 32) Guest guest) {
            Optional<GuestExit> exit = record(guest).exit();
            while (exit.isEmpty()) {
                Thread.onSpinWait();
                exit = guest.exit();
            }
        }
    }

    /** Interrupts the calling thread after 300 ms, as a harness that cancels a test would. */
    static void interruptSoon() {
        Thread test = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            test.interrupt();
        }, "interrupter");
        interrupter.setDaemon(true);
        interrupter.start();
    }

    /** Interrupts the test thread while the extension boots its guests. */
    static final class InterruptSoon implements BeforeEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            interruptSoon();
        }
    }

    @TestKitOnly
    static class Interrupted {
        @Test
        void waitsForTheEnd(@BootKernel(kernel = "probe", cmdline = "probe.hlt", memory = 32) Guest guest)
                throws InterruptedException {
            interruptSoon();
            waitForTheEnd(guest);
        }

        @Test
        void waitsForALine(@BootKernel(kernel = "probe", cmdline = "probe.hlt", memory = 32) Guest guest)
                throws InterruptedException {
            interruptSoon();
            waitForALine(guest);
        }
    }

    /** The interrupt arrives while the extension waits for the ready line that never comes. */
    @TestKitOnly
    @ExtendWith(InterruptSoon.class)
    static class InterruptedWhileBooting {
        @BootKernel(kernel = "probe", cmdline = "probe.hlt", memory = 32, awaitLine = "never printed",
                bootTimeout = 300)
        Guest guest;

        @Test
        void test() {
        }
    }

    @TestKitOnly
    static class InterruptedBeforeBoot {
        static volatile boolean stillInterrupted;

        @BeforeEach
        void interrupt() {
            Thread.currentThread().interrupt();
        }

        @Test
        void test(@BootKernel(kernel = "probe", cmdline = "probe.hlt", memory = 32) Guest guest) {
            record(guest);
        }

        @AfterEach
        void clearInterrupt() {
            stillInterrupted = Thread.interrupted();
        }
    }
}
