package io.github.bootkernel.junit;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The kernel log assertions on logs made from records ({@link KernelLog#of}): passing and failing cases, and the tail. */
class KernelLogAssertTest {

    private static final KernelLog BOOT = KernelLog.of(List.of(
            KernelRecord.of(0, 5, 0, "Linux version 6.1.0"),
            KernelRecord.of(1, 6, 1_500_000, "mydriver: probe"),
            KernelRecord.of(2, 4, 1_600_000, "mydriver: fallback mode\n  because of x"),
            KernelRecord.of(3, 6, 2_000_000, "Run /init as init process")));

    private static final String TAIL = "The kernel log, 4 records:\n"
            + "  | <5>[    0.000000] Linux version 6.1.0\n"
            + "  | <6>[    1.500000] mydriver: probe\n"
            + "  | <4>[    1.600000] mydriver: fallback mode\n"
            + "  | <4>[    1.600000]   because of x\n"
            + "  | <6>[    2.000000] Run /init as init process";

    @Test
    void containsMessageFindsASubstring() {
        assertThat(BOOT).containsMessage("Run /init").containsMessage("because of x").doesNotContainMessage("Oops");
        assertThatThrownBy(() -> assertThat(BOOT).containsMessage("Oops"))
                .hasMessageStartingWith("Expecting the kernel log to contain a message with\n  \"Oops\"\nbut none does.")
                .hasMessageEndingWith(TAIL);
        assertThatThrownBy(() -> assertThat(BOOT).doesNotContainMessage("mydriver"))
                .hasMessageContaining("but found:\n  <6>[    1.500000] mydriver: probe\n"
                        + "  <4>[    1.600000] mydriver: fallback mode\n  <4>[    1.600000]   because of x\n");
    }

    @Test
    void atLevelNarrowsTheLaterChecks() {
        assertThat(BOOT).atLevel(4).containsMessage("fallback").doesNotContainMessage("probe");
        assertThatThrownBy(() -> assertThat(BOOT).atLevel(4).containsMessage("probe"))
                .hasMessageStartingWith("Expecting the kernel log at level 4 or more severe to contain a message with");
        assertThatThrownBy(() -> assertThat(BOOT).atLevel(8)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messagesInOrderAllowRecordsInBetween() {
        assertThat(BOOT).containsMessagesInOrder("Linux version", "fallback", "Run /init");
        assertThatThrownBy(() -> assertThat(BOOT).containsMessagesInOrder("Run /init", "probe"))
                .hasMessageContaining("to have messages containing, in this order,\n  \"Run /init\", \"probe\"\n"
                        + "but after \"Run /init\" (record 3) no message contains \"probe\".");
        assertThatThrownBy(() -> assertThat(BOOT).containsMessagesInOrder("nothing"))
                .hasMessageContaining("but no message contains \"nothing\".");
    }

    @Test
    void hasNoGapsNamesTheGaps() {
        assertThat(BOOT).hasNoGaps();
        KernelLog flooded = KernelLog.of(List.of(KernelRecord.of(0, 6, 0, "a"), KernelRecord.of(13, 6, 1, "b")));
        assertThatThrownBy(() -> assertThat(flooded).hasNoGaps())
                .hasMessageStartingWith("Expecting the kernel log to have no gaps, but 12 records never arrived:\n"
                        + "  12 records lost (sequence 1 to 12)\n\nThe kernel log, 2 records (12 lost):");
    }

    @Test
    void emitsWithinReturnsAnAssertionOnTheMessage() {
        assertThat(BOOT).emitsWithin(Duration.ofSeconds(5), "^mydriver: \\w+ mode").startsWith("mydriver: fallback");
        assertThatThrownBy(() -> assertThat(BOOT).atLevel(4).emitsWithin(Duration.ofSeconds(5), "probe"))
                .hasMessageStartingWith("Expecting the kernel log at level 4 or more severe to have a message matching\n"
                        + "  /probe/\nwithin 5 s, but none came: the log ended first (the guest ended).");
    }

    @Test
    void emitsWithinFailsAtOnceOnAnEndedLog() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> assertThat(BOOT).emitsWithin(Duration.ofMinutes(5), "never"))
                .isInstanceOf(AssertionError.class);
        org.assertj.core.api.Assertions.assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void theTailShowsTheLast20RecordsAndAnEmptyLogSaysSo() {
        KernelLog many = KernelLog.of(LongStream.range(0, 30).mapToObj(i -> KernelRecord.of(i, 6, i, "m" + i)).toList());
        assertThatThrownBy(() -> assertThat(many).containsMessage("x"))
                .hasMessageContaining("The kernel log, the last 20 of 30 records:\n  | <6>[    0.000010] m10\n")
                .hasMessageEndingWith("  | <6>[    0.000029] m29");
        assertThatThrownBy(() -> assertThat(KernelLog.of(List.of())).containsMessage("x"))
                .hasMessageEndingWith("The kernel log is empty: no record arrived (does the guest run the agent?).");
    }
}
