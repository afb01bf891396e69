package io.github.bootkernel.junit;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The code shapes of {@code extension/README.md}, run with the probe, a test double that is not
 * Linux, using its command-line words: a quick check on any KVM. The samples themselves, verbatim,
 * are the it-tests module's demo source set ({@code it-tests/src/demo/java}), run on a real kernel.
 */
class ReadmeSnippetTest {

    @Test
    void printsItsLinesWithoutPanic(@BootKernel(kernel = "probe", cmdline = "probe.flood=3") Guest guest) {
        assertThat(guest.console()).emitsWithin(Duration.ofSeconds(30), "probe: ready");
        assertThat(guest.console()).doesNotContainPanic();
    }

    @Test
    void answersInput(@BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready") Guest guest) {
        long from = guest.console().lineCount();
        guest.sendLine("uname -r");
        assertThat(guest.console()).emitsWithin(Duration.ofSeconds(10), "uname -r");
        assertThat(guest.console().lineCount()).isGreaterThan(from);
        guest.send("\u0004");
        assertThat(guest).endsWithin(Duration.ofSeconds(10)).exitedWith(0);
    }
}
