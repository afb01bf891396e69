package io.github.bootkernel.bench.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link ExitPath#guestSeconds}: the loop's time as the guest's done line reports it. */
class ExitPathTest {

    private static MarkerClock.Stretch done(String line) {
        return new MarkerClock.Stretch(1.0, 10, 5, 5, 5, line);
    }

    @Test
    void theGuestsNanosecondsBecomeSeconds() {
        assertThat(ExitPath.guestSeconds(done("bench-io: done outb 1000 254448958"))).isEqualTo(0.254448958);
    }

    @Test
    void aDoneLineWithoutATimeIsRefusedWithTheLine() {
        assertThatThrownBy(() -> ExitPath.guestSeconds(done("bench-io: done outb")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no time in the done line 'bench-io: done outb'");
    }
}
