package io.github.bootkernel.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    @Test
    void defaultsAreThreeRunsEverySectionTheThreeKernelsAndTheDocument() {
        BenchOptions o = BenchOptions.parse();
        assertThat(o.runs()).isEqualTo(3);
        assertThat(o.sections()).isEmpty();
        assertThat(o.kernels()).containsExactly("debian-cloud", "debian-generic", "tiny");
        assertThat(o.doc()).isEqualTo(Path.of("docs", "performance.md"));
        assertThat(o.list()).isFalse();
    }

    @Test
    void optionsAreRead() {
        BenchOptions o = BenchOptions.parse("--runs", "1", "--sections", "time-to-init, memory", "--kernels", "tiny",
                "--no-doc");
        assertThat(o.runs()).isEqualTo(1);
        assertThat(o.sections()).containsExactly("time-to-init", "memory");
        assertThat(o.kernels()).containsExactly("tiny");
        assertThat(o.doc()).isNull();
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> BenchOptions.parse("--runs", "x")).hasMessage("--runs: not a number: x");
        assertThatThrownBy(() -> BenchOptions.parse("--runs", "0")).hasMessage("--runs: between 1 and 100, got 0");
        assertThatThrownBy(() -> BenchOptions.parse("--kernels")).hasMessage("--kernels needs a value");
        assertThatThrownBy(() -> BenchOptions.parse("--kernels", ",")).hasMessage("--kernels needs at least one name");
        assertThatThrownBy(() -> BenchOptions.parse("--fast")).hasMessage("unknown argument: --fast");
    }

    @Test
    void sectionsAreChosenByKeyAndAnUnknownKeyListsTheKnownOnes() {
        assertThat(Sections.all().stream().map(Sections::key)).containsExactly("time-to-init", "time-to-end",
                "4-vcpu-boots", "command-channel", "memory", "suite-cost", "snapshot-restore", "console-throughput",
                "exit-path");
        assertThat(Sections.select(List.of("memory", "time-to-init")).stream().map(Section::name))
                .containsExactly("time to init", "memory");
        assertThatThrownBy(() -> Sections.select(List.of("speed")))
                .hasMessageStartingWith("--sections: no section 'speed'; known: time-to-init, time-to-end");
    }

    @Test
    void aContextNeedsARunAndAKernel() {
        Path p = Path.of("/tmp");
        assertThatThrownBy(() -> new BenchContext(0, p, p, p, "here")).hasMessageContaining("runs");
        assertThatThrownBy(() -> new BenchContext(1, p, p, p, "here", List.of())).hasMessageContaining("kernels");
        assertThat(new BenchContext(1, p, p, p, "here").kernel("tiny")).isEqualTo(Path.of("/tmp/latest/tiny"));
    }
}
