package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Issue 8, "Long runs and load": four probe guests at once under JUnit's parallel execution,
 * repeated 25 times. Each guest echoes the lines typed into it; each test types its own lines and
 * finds exactly those in its guest's console, in order, and no other guest's: no input or output
 * crosses guests, and no run hangs (each is bounded well below the guests' own limits).
 */
class ParallelGuestsTest {

    static final int RUNS = 25;
    static final int GUESTS = 4;
    static final int LINES = 20;

    @Test
    void fourGuestsAtOnceKeepTheirInputAndOutputApartAndNeverDeadlock() {
        runOnce(-1); // warm-up: classes, JIT, JNA and its cleaner thread
        ProcessFigures before = ProcessFigures.now();
        List<Long> millis = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            long start = System.nanoTime();
            runOnce(run);
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        ProcessFigures after = ProcessFigures.now();

        System.out.printf("%d runs of %d concurrent probe guests, %d lines typed and echoed each: %d ms per run"
                        + " (slowest %d ms), %d ms in all%n%s", RUNS, GUESTS, LINES,
                millis.stream().mapToLong(Long::longValue).sum() / RUNS,
                millis.stream().mapToLong(Long::longValue).max().orElseThrow(),
                millis.stream().mapToLong(Long::longValue).sum(), before.against(after));
        assertThat(after.vcpuThreads()).as("vCPU threads alive").isZero();
        assertThat(after.fds()).as("open file descriptors").isLessThanOrEqualTo(before.fds() + 2);
    }

    private static void runOnce(int run) {
        EchoingGuests.start(run);
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> TestKit.run(EchoingGuests.class,
                        "junit.jupiter.execution.parallel.enabled", "true",
                        "junit.jupiter.execution.parallel.config.strategy", "fixed",
                        "junit.jupiter.execution.parallel.config.fixed.parallelism", String.valueOf(GUESTS))
                .testEvents().assertStatistics(s -> s.started(GUESTS).succeeded(GUESTS)),
                "run " + run + " did not end: a deadlock");
        assertThat(EchoingGuests.guests).as("run %d", run).hasSize(GUESTS);
    }

    @TestKitOnly
    @Execution(ExecutionMode.CONCURRENT)
    static class EchoingGuests {
        static final Set<Guest> guests = ConcurrentHashMap.newKeySet();
        private static volatile int run;
        private static volatile CyclicBarrier allRunning;

        static void start(int number) {
            run = number;
            guests.clear();
            allRunning = new CyclicBarrier(GUESTS);
        }

        @RepeatedTest(GUESTS)
        void echoesItsOwnInputOnly(RepetitionInfo repetition,
                                   @BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready",
                                           memory = 32) Guest guest) throws Exception {
            guests.add(guest);
            allRunning.await(30, TimeUnit.SECONDS);
            String me = "run-" + run + "-guest-" + repetition.getCurrentRepetition() + "-line-";
            List<String> typed = new ArrayList<>();
            for (int i = 0; i < LINES; i++) {
                typed.add(me + i);
                guest.sendLine(me + i);
                GuestAssertions.assertThat(guest.console()).emitsWithin(Duration.ofSeconds(10), "^" + me + i + "$");
            }
            guest.send("\u0004");
            GuestAssertions.assertThat(guest).endsWithin(Duration.ofSeconds(10)).exitedWith(0);
            assertThat(guest.console().lines()).filteredOn(l -> l.startsWith("run-")).containsExactlyElementsOf(typed);
        }
    }
}
