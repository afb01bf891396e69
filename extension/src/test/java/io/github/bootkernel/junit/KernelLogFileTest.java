package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A kernel log in the failure report's {@code .kmsg.log} file: dmesg -r lines with the gaps in their place. */
class KernelLogFileTest {

    @Test
    void recordsAsDmesgPrintsThemAndGapsWhereTheyAre() {
        KernelLog log = KernelLog.of(List.of(KernelRecord.of(2, 6, 1_000_000, "a"),
                KernelRecord.of(3, 4, 2_000_000, "b\nsecond"), KernelRecord.of(10, 3, 3_000_000, "c")));
        assertThat(KernelLogFile.section(log)).isEqualTo("""
                === kernel log: 3 records, 8 lost
                --- 2 records lost (sequence 0 to 1): the kernel's ring overwrote them ---
                <6>[    1.000000] a
                <4>[    2.000000] b
                <4>[    2.000000] second
                --- 6 records lost (sequence 4 to 9): the kernel's ring overwrote them ---
                <3>[    3.000000] c
                """);
    }

    @Test
    void anEmptyLogSaysSo() {
        assertThat(KernelLogFile.section(KernelLog.of(List.of()))).isEqualTo("=== kernel log: no record arrived\n");
    }
}
