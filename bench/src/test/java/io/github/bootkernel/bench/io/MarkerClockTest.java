package io.github.bootkernel.bench.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link MarkerClock}: marker lines found in a console stream, counters and bytes between them. */
class MarkerClockTest {

    private final AtomicLong exits = new AtomicLong();
    private final MarkerClock clock = new MarkerClock(() -> new long[] {exits.get(), exits.get() / 2, exits.get() * 3});

    private void feed(String text) {
        for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
            clock.accept(b & 0xff);
        }
    }

    @Test
    void aStretchRunsFromItsStartLineToItsDoneLineWhateverPrefixesThem() throws Exception {
        feed("boot noise\r\n[    1.000000] bench-io: start kmsg\r\n");
        exits.set(100);
        feed("[    1.1] 0123456789\r\n");
        feed("[    1.2] bench-io: done kmsg 64\r\nbench-io: finished\r\n");

        assertThat(clock.awaitFinished(TimeUnit.SECONDS.toNanos(1))).isTrue();
        MarkerClock.Stretch s = clock.stretch("kmsg", "subject");
        assertThat(s.exits()).isEqualTo(100);
        assertThat(s.ioExits()).isEqualTo(50);
        assertThat(s.monitorExits()).isEqualTo(300);
        assertThat(s.bytes()).isEqualTo("[    1.1] 0123456789\r\n[    1.2] bench-io: done kmsg 64\r\n".length());
        assertThat(s.doneLine()).isEqualTo("bench-io: done kmsg 64");
        assertThat(s.seconds()).isPositive();
    }

    @Test
    void aMissingStretchNamesTheLastLines() {
        feed("bench-io: start tty\nbench-io: failed: /bin/console_bench tty 64\n");

        assertThatThrownBy(() -> clock.stretch("tty", "QEMU"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("QEMU: no 'bench-io: start/done tty' pair")
                .hasMessageContaining("bench-io: failed: /bin/console_bench tty 64");
    }

    @Test
    void waitingForTheEndIsBounded() throws Exception {
        feed("bench-io: start tty\n");

        assertThat(clock.awaitFinished(TimeUnit.MILLISECONDS.toNanos(50))).isFalse();
    }

    @Test
    void aCounterThatCannotBeReadFailsTheStretchWithTheReason() {
        MarkerClock broken = new MarkerClock(() -> {
            throw new IOException("expected one KVM VM of process 1");
        });
        for (byte b : "bench-io: start tty\nbench-io: done tty 1\n".getBytes(StandardCharsets.US_ASCII)) {
            broken.accept(b);
        }

        assertThatThrownBy(() -> broken.stretch("tty", "bootkernel"))
                .hasMessageContaining("bootkernel: reading KVM's counters failed")
                .hasMessageContaining("expected one KVM VM of process 1");
    }
}
