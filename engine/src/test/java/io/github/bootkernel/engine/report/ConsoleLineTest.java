package io.github.bootkernel.engine.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.report.KernelReport.Kind;
import org.junit.jupiter.api.Test;

/** The printk prefix, as kernels print it with and without CONFIG_PRINTK_TIME and CONFIG_PRINTK_CALLER. */
class ConsoleLineTest {

    @Test
    void aTimestampAndACallerId() {
        // Linux 5.x and later with CONFIG_PRINTK_CALLER (syzbot's consoles).
        assertThat(ConsoleLine.parse("[  584.319520][   T31] INFO: task udevd:5612 blocked"))
                .isEqualTo(new ConsoleLine("INFO: task udevd:5612 blocked", 584_319_520, "T31"));
        assertThat(ConsoleLine.parse("[   63.550339][    C1] divide_error: 0000 [#1]"))
                .isEqualTo(new ConsoleLine("divide_error: 0000 [#1]", 63_550_339, "C1"));
    }

    @Test
    void aTimestampAloneKeepsTheIndentOfTraceFrames() {
        assertThat(ConsoleLine.parse("[   36.585634]  sysrq_handle_crash+0x16/0x20"))
                .isEqualTo(new ConsoleLine(" sysrq_handle_crash+0x16/0x20", 36_585_634, null));
        assertThat(ConsoleLine.parse("[    1.23] short")).isEqualTo(new ConsoleLine("short", 1_230_000, null));
        assertThat(ConsoleLine.parse("[  12.000000]")).isEqualTo(new ConsoleLine("", 12_000_000, null));
    }

    @Test
    void aLogLevelAndNoTimestamp() {
        assertThat(ConsoleLine.parse("<4>WARNING: x")).isEqualTo(new ConsoleLine("WARNING: x", -1, null));
        assertThat(ConsoleLine.parse("Kernel panic - not syncing: x")).isEqualTo(new ConsoleLine("Kernel panic - not syncing: x", -1, null));
    }

    @Test
    void aKernelMessageAfterAProgramsPartialLine() {
        assertThat(ConsoleLine.parse("/ # [    5.123456] sysrq: Trigger a crash"))
                .isEqualTo(new ConsoleLine("sysrq: Trigger a crash", 5_123_456, null));
    }

    @Test
    void bracketsThatAreNoTimestamp() {
        assertThat(ConsoleLine.parse("[ OK ] Started")).isEqualTo(new ConsoleLine("[ OK ] Started", -1, null));
        assertThat(ConsoleLine.parse("[1.] x [T] y")).isEqualTo(new ConsoleLine("[1.] x [T] y", -1, null));
        assertThat(ConsoleLine.parse("[99999999999999999999.1] x").micros()).isEqualTo(-1);
    }

    @Test
    void kindsByTheirIds() {
        assertThat(Kind.of("panic")).isEqualTo(Kind.PANIC);
        assertThat(Kind.of(" Hung-Task ")).isEqualTo(Kind.HUNG_TASK);
        assertThat(Kind.of("GENERAL_PROTECTION_FAULT")).isEqualTo(Kind.GENERAL_PROTECTION_FAULT);
        assertThat(Kind.KASAN.toString()).isEqualTo("KASAN");
        assertThatThrownBy(() -> Kind.of("oopsie"))
                .hasMessageStartingWith("no kernel report kind 'oopsie'; the kinds are panic, oops, bug, warning, gpf,");
    }
}
