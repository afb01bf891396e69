package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The boot phases' clock on a made-up clock, fed lines as Linux prints them; no KVM. */
class PhaseClockTest {

    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(5_000 * MS);
    private final PhaseClock clock = new PhaseClock(now.get(), Pattern.compile("init: ready"), now::get);

    private void at(long millis) {
        now.set(5_000 * MS + millis * MS);
    }

    private void line(String text) {
        clock.output();
        clock.line(text);
    }

    @Test
    void eachPhaseAtItsFirstSign() {
        at(12);
        clock.monitorReady();
        at(31);
        line("[    0.000000] Linux version 6.1.0-28-cloud-amd64 (debian-kernel@lists.debian.org)");
        at(40);
        line("[    0.000000] Command line: console=ttyS0 reboot=k panic=-1 rdinit=/init");
        at(1520);
        // Linux 6.1's init/main.c, then what it prints below the line (pr_debug: absent by default).
        line("[    1.519873] Run /init as init process");
        at(1521);
        line("[    1.519900] Run /sbin/init as init process");
        at(1804);
        line("init: ready");
        at(1900);
        line("init: ready");
        at(3200);
        clock.ended();
        at(3300);
        clock.ended();
        assertThat(clock.phases()).isEqualTo(new BootPhases(Duration.ofMillis(12), Optional.of(Duration.ofMillis(31)),
                Optional.of(Duration.ofMillis(1520)), Optional.of(Duration.ofMillis(1804)),
                Optional.of(Duration.ofMillis(3200))));
        assertThat(clock.phases()).hasToString("monitor ready 0.012 s, first console byte 0.031 s, Run /init 1.520 s,"
                + " ready line 1.804 s, end 3.200 s");
    }

    @Test
    void phasesNotReachedAreEmpty() {
        at(8);
        clock.monitorReady();
        assertThat(clock.phases()).isEqualTo(new BootPhases(Duration.ofMillis(8), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()));
        assertThat(clock.phases()).hasToString("monitor ready 0.008 s");
    }

    @Test
    void onlyTheKernelsRunInitLineCounts() {
        clock.monitorReady();
        line("/ # echo Run /init as init process");
        line("Run /init as init process, said a program");
        line("Run  as init process");
        assertThat(clock.phases().runInit()).isEmpty();
        line("[    2.000000][    T1] Run /init as init process");
        assertThat(clock.phases().runInit()).isPresent();
    }

    @Test
    void withoutAReadyPatternThereIsNoReadyPhase() {
        PhaseClock plain = new PhaseClock(now.get(), null, now::get);
        plain.line("init: ready");
        assertThat(plain.phases().readyLine()).isEmpty();
    }
}
