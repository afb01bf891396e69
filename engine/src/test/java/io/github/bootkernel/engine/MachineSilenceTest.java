package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The silence watchdog on hand-assembled guests and the real {@code /dev/kvm} (the build machines'
 * PVM KVM too): a guest that goes quiet ends as SILENT, one that keeps talking does not.
 */
class MachineSilenceTest {

    private static final Duration SILENCE = Duration.ofMillis(500);
    /** Far more than the silence time plus a check's delay, on a slow shared machine. */
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Machine start(String name, byte[] code, Duration silence) throws Exception {
        return Machine.start(MachineConfig.builder(TinyGuests.write(dir, name, code)).memoryMiB(32)
                .silenceTimeout(silence).build());
    }

    @Test
    void aGuestThatGoesQuietEndsAsSilentNamingItsLastLine() throws Exception {
        try (Machine m = start("quiet", TinyGuests.printThen("[    0.9] Run /init as init process\r\ninit: ready\r\n",
                TinyGuests.SPIN), SILENCE)) {
            long t0 = System.nanoTime();
            GuestExit exit = m.awaitExit(WAIT).orElseThrow(() -> new AssertionError("no end; console "
                    + m.console().lines()));
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("silent after 0.5 s: ended %.2f s after start: %s%n", seconds, exit);
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.SILENT);
            assertThat(exit.detail()).matches("no console output for 0\\.500 s; the last line, [0-9]+\\.[0-9] s ago:"
                    + " 'init: ready'");
            assertThat(seconds).isGreaterThanOrEqualTo(0.45);
            assertThat(m.console().isEnded()).isTrue();
        }
    }

    @Test
    void aGuestThatPrintsNothingIsSilentFromTheStart() throws Exception {
        try (Machine m = start("mute", TinyGuests.SPIN, SILENCE)) {
            GuestExit exit = m.awaitExit(WAIT).orElseThrow();
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.SILENT);
            assertThat(exit.detail()).startsWith("no console output for 0.500 s: the guest has printed nothing since"
                    + " it started ");
            assertThat(exit.isClean()).isFalse();
        }
    }

    @Test
    void aGuestThatKeepsTalkingIsNeverSilent() throws Exception {
        try (Machine m = start("chatty", TinyGuests.printForever("still here\r\n"), SILENCE)) {
            assertThat(m.awaitExit(Duration.ofMillis(2500))).as("%s", m.exit()).isEmpty();
            assertThat(m.console().lineCount()).isPositive();
        }
    }

    @Test
    void withoutASilenceTimeAQuietGuestRunsOn() throws Exception {
        try (Machine m = start("quiet-unwatched", TinyGuests.printThen("init: ready\r\n", TinyGuests.SPIN), null)) {
            assertThat(m.awaitExit(Duration.ofMillis(1500))).isEmpty();
            assertThat(m.config().silenceTimeout()).isEmpty();
        }
    }

    @Test
    void theGuestsOwnEndBeforeTheSilenceIsTheEnd() throws Exception {
        try (Machine m = start("exits", TinyGuests.printThenExit("bye\r\n", 3), Duration.ofSeconds(1))) {
            assertThat(m.awaitExit(WAIT)).contains(new GuestExit(GuestExit.Kind.EXIT_STATUS, 3, ""));
            Thread.sleep(1500);
            assertThat(m.exit()).contains(new GuestExit(GuestExit.Kind.EXIT_STATUS, 3, ""));
        }
    }
}
