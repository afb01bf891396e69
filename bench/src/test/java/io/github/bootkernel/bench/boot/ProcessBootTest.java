package io.github.bootkernel.bench.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Times stand-in monitors (shell scripts): no KVM needed. */
class ProcessBootTest {

    @TempDir
    Path dir;

    @Test
    void theLinesAndTheEndAreTimedFromTheLaunch() throws Exception {
        BootTimes t = ProcessBoot.run("fake", List.of("sh", "-c",
                "echo boot; echo '" + BenchImage.INIT_LINE + "0.75'; sleep 0.3; echo '" + BenchImage.LAST_LINE
                        + "'; sleep 0.2"), dir.resolve("err"), Duration.ofSeconds(30));
        assertThat(t.uptime()).isEqualTo(0.75);
        assertThat(t.lastLine().getAsDouble() - t.initLine()).isBetween(0.25, 5.0);
        assertThat(t.lastLineToEnd().getAsDouble()).isBetween(0.15, 5.0);
    }

    @Test
    void aMonitorWithoutTheInitLineFailsQuotingItsOutput() {
        assertThatThrownBy(() -> ProcessBoot.run("fake", List.of("sh", "-c", "echo panic; echo oops >&2; exit 3"),
                dir.resolve("err"), Duration.ofSeconds(30)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("fake: ended with status 3 without the init line")
                .hasMessageContaining("panic").hasMessageContaining("oops");
    }

    @Test
    void aHungMonitorIsKilledAtItsTimeLimit() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> ProcessBoot.run("fake", List.of("sleep", "30"), dir.resolve("err"),
                Duration.ofMillis(500))).hasMessageContaining("killed after its time limit");
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
    }

    @Test
    void aStopLineKillsTheMonitor() throws Exception {
        long t0 = System.nanoTime();
        BootTimes t = ProcessBoot.run("fake", List.of("sh", "-c", "echo 'init: ready'; sleep 30"), dir.resolve("err"),
                Duration.ofSeconds(20), line -> line.contains("init: ready"));
        assertThat(t.lastLine()).isEmpty();
        assertThat(t.end()).isLessThan(10);
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
    }

    @Test
    void theCliLaunchIsInOnePlaceAndCanBeReplaced() {
        Path jar = Path.of("engine/target/bootkernel.jar");
        List<String> argv = CliCommand.argv(jar, Path.of("k"), Path.of("i"), "quiet", 4, 60);
        assertThat(argv.subList(1, 3)).containsExactly("-jar", jar.toString());
        assertThat(argv.subList(3, argv.size())).containsExactly("--kernel", "k", "--initrd", "i", "--cmdline",
                "quiet", "--cpus", "4", "--timeout", "60");
        System.setProperty(CliCommand.PROPERTY, "bin/bootkernel --fast");
        try {
            assertThat(CliCommand.argv(jar, Path.of("k"), Path.of("i"), "quiet", 1, 60).subList(0, 3))
                    .containsExactly("bin/bootkernel", "--fast", "--kernel");
        } finally {
            System.clearProperty(CliCommand.PROPERTY);
        }
    }

    @Test
    void qemuGetsTheSameCommandLineAndMicrovmItsOwnWords() {
        List<String> pc = QemuCommand.argv(QemuCommand.Type.PC, Path.of("k"), Path.of("i"), "console=ttyS0 quiet", 4,
                256);
        assertThat(pc).containsSubsequence("-M", "pc", "-smp", "4", "-m", "256", "-no-reboot", "-append",
                "console=ttyS0 quiet");
        List<String> micro = QemuCommand.argv(QemuCommand.Type.MICROVM, Path.of("k"), Path.of("i"), "quiet", 1, 256);
        assertThat(micro).containsSubsequence("-M", "microvm,x-option-roms=off,rtc=on", "-append", "quiet reboot=t");
    }
}
