package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded wait after a panic line: alone with a short grace, and in a machine running
 * hand-assembled guests that print a panic report the way Linux 6.1 does (details replaced).
 */
class PanicGraceTest {

    /** A panic=0 report from Linux 6.1 ({@code tiny}, {@code echo c > /proc/sysrq-trigger}), shortened. */
    private static final String PANIC_ZERO_REPORT = String.join("\r\n",
            "[    3.101234] Kernel panic - not syncing: sysrq triggered crash",
            "[    3.101300] CPU: 0 PID: 61 Comm: sh Not tainted 6.1.0 #1",
            "[    3.101400] Call Trace:",
            "[    3.101600]  dump_stack_lvl+0x33/0x46",
            "[    3.101700]  panic+0x107/0x2b8",
            "[    3.102000] ---[ end Kernel panic - not syncing: sysrq triggered crash ]---", "");

    @TempDir
    Path dir;

    @Test
    void theEndOfTheReportIsTheVerdictAtOnce() {
        CompletableFuture<GuestExit> end = new CompletableFuture<>();
        PanicGrace grace = new PanicGrace(end::complete, 60_000);
        grace.reportEnded();
        assertThat(end).as("no panic line yet").isNotDone();
        grace.panicSaid("Kernel panic - not syncing: sysrq triggered crash");
        grace.reportEnded();
        assertThat(end).isCompletedWithValue(GuestExit.of(GuestExit.Kind.PANIC, "Kernel panic - not syncing: sysrq"
                + " triggered crash; then '---[ end Kernel panic': the kernel stops there without a reset (panic=0)"));
    }

    @Test
    void withoutAnEndTheGraceEndsIt() throws Exception {
        CompletableFuture<GuestExit> end = new CompletableFuture<>();
        long t0 = System.nanoTime();
        new PanicGrace(end::complete, 200).panicSaid("Kernel panic - not syncing: stuck");
        assertThat(end.get(10, TimeUnit.SECONDS)).isEqualTo(GuestExit.of(GuestExit.Kind.PANIC,
                "Kernel panic - not syncing: stuck; no reset within 0.2 s after it"));
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));
    }

    @Test
    void aPanicZeroGuestEndsAtItsEndLineWithTheWholeReportOnTheConsole() throws Exception {
        try (Machine m = TinyGuests.boot(dir, "panic0", TinyGuests.printThen(PANIC_ZERO_REPORT, TinyGuests.SPIN))) {
            GuestExit exit = m.awaitExit(Duration.ofSeconds(PanicGrace.GRACE_MILLIS / 1000 - 1)).orElseThrow(
                    () -> new AssertionError("no end before the grace; console " + m.console().lines()));
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.PANIC);
            assertThat(exit.detail()).startsWith("Kernel panic - not syncing: sysrq triggered crash; then '---[ end");
            assertThat(m.console().lines()).hasSize(6).last().asString().contains("---[ end Kernel panic");
        }
    }

    @Test
    void aPanicLineWithoutResetOrEndLineEndsAfterTheGrace() throws Exception {
        try (Machine m = TinyGuests.boot(dir, "stuck", TinyGuests.printThen(
                "[    3.0] Kernel panic - not syncing: stuck in its panic path\r\n", TinyGuests.SPIN))) {
            long t0 = System.nanoTime();
            GuestExit exit = m.awaitExit(Duration.ofSeconds(30)).orElseThrow();
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("panic line, then spinning: %s after %.2f s%n", exit, seconds);
            assertThat(exit).isEqualTo(GuestExit.of(GuestExit.Kind.PANIC,
                    "Kernel panic - not syncing: stuck in its panic path; no reset within 5.0 s after it"));
            assertThat(seconds).isBetween(4.5, 15.0);
        }
    }

    @Test
    void aResetAfterThePanicLineIsStillThePanicLineAlone() throws Exception {
        try (Machine m = TinyGuests.boot(dir, "reset", TinyGuests.printThen(
                "Kernel panic - not syncing: test\r\n", TinyGuests.i8042Reset()))) {
            assertThat(m.awaitExit(Duration.ofSeconds(20))).contains(GuestExit.of(GuestExit.Kind.PANIC,
                    "Kernel panic - not syncing: test"));
        }
    }
}
