package io.github.bootkernel.junit;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The snippets of {@code extension/README.md}. {@link AsInReadme} holds them verbatim, with the
 * README's imports: they need a Linux kernel, so here they only compile (a fixture, never run by
 * this module; the it-tests run them). The tests below run the same code shapes with the probe,
 * a test double that is not Linux, using its command-line words.
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

    /** The README's snippets, verbatim. */
    @TestKitOnly
    static class AsInReadme {

        @Test
        void printsBannerAndReachesInit(@BootKernel(initramfs = "busybox", cmdline = "quiet") Guest guest) {
            assertThat(guest.console()).emitsWithin(Duration.ofSeconds(30), "init: ready");
            assertThat(guest.console()).doesNotContainPanic();
        }

        @BootKernel(initramfs = "busybox", awaitLine = "init: ready")
        static Guest shell;

        @Test
        void runsACommand() throws InterruptedException {
            long from = shell.console().lineCount();
            shell.sendLine("uname -r");
            String release = shell.console().awaitLine(line -> line.matches("\\d+\\.\\d+.*"),
                    Duration.ofSeconds(10), from).orElseThrow();
            assertThat(release).startsWith("6.");
        }

        @Test
        void reportsItsExitStatus(@BootKernel(initramfs = "busybox", awaitLine = "init: ready") Guest guest) {
            guest.sendLine("/bin/exit-status 3");
            assertThat(guest).endsWithin(Duration.ofSeconds(10)).exitedWith(3);
        }

        @KernelTest
        void bootsEveryConfiguredKernel(@BootKernel(initramfs = "busybox") Guest guest) {
            assertThat(guest.console()).emitsWithin(Duration.ofSeconds(30), "init: ready");
            assertThat(guest.console()).doesNotContainPanic();
        }

        static void withoutJUnit(Path kernel, Path initramfs) throws InterruptedException {
            try (Machine machine = Machine.start(MachineConfig.builder(kernel).initrd(initramfs).build())) {
                machine.console().awaitLine(Pattern.compile("init: ready"), Duration.ofSeconds(30));
            }
        }
    }
}
