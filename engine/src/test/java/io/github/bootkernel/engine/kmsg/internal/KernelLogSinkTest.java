package io.github.bootkernel.engine.kmsg.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.kmsg.KernelLogGap;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sequence numbers into gaps and duplicates, as the agent delivers raw records. */
class KernelLogSinkTest {

    private final List<KernelRecord> told = new ArrayList<>();
    private final KernelLogSink sink = new KernelLogSink(told::add);
    private final KernelLog log = sink.log();

    private void deliver(long sequence, String message) {
        sink.record(("6," + sequence + "," + sequence * 1000 + ",-;" + message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void recordsFromBootHaveNoGap() {
        assertThat(sink.nextSequence()).isZero();
        assertThat(log.isAvailable()).isFalse();
        deliver(0, "Linux version 6.1");
        deliver(1, "Command line: quiet");
        assertThat(log.isAvailable()).isTrue();
        assertThat(log.records()).extracting(KernelRecord::message).containsExactly("Linux version 6.1", "Command line: quiet");
        assertThat(told).isEqualTo(log.records());
        assertThat(log.gaps()).isEmpty();
        assertThat(log.lostRecords()).isZero();
        assertThat(sink.nextSequence()).isEqualTo(2);
    }

    @Test
    void aFirstRecordAfterZeroIsAGap() {
        // The ring overwrote the boot's first records before the agent started reading.
        deliver(40, "late");
        assertThat(log.gaps()).containsExactly(new KernelLogGap(0, 40));
        assertThat(log.lostRecords()).isEqualTo(40);
        assertThat(sink.nextSequence()).isEqualTo(41);
    }

    @Test
    void aJumpIsAGapWhateverTheAgentSaid() {
        deliver(0, "a");
        sink.lost();
        deliver(5, "b");
        deliver(6, "c");
        deliver(9, "d");
        assertThat(log.gaps()).containsExactly(new KernelLogGap(1, 5), new KernelLogGap(7, 9));
        assertThat(log.lostRecords()).isEqualTo(6);
        assertThat(log.gaps().get(0)).hasToString("4 records lost (sequence 1 to 4)");
    }

    @Test
    void recordsAgainAfterARestartAreDuplicates() {
        deliver(0, "a");
        deliver(1, "b");
        deliver(2, "c");
        // The agent restarted and re-reads from an older record.
        deliver(1, "b");
        deliver(2, "c");
        deliver(3, "d");
        assertThat(log.records()).extracting(KernelRecord::message).containsExactly("a", "b", "c", "d");
        assertThat(told).hasSize(4);
        assertThat(log.gaps()).isEmpty();
    }

    @Test
    void malformedRecordsAreCountedNotLost() {
        deliver(0, "a");
        sink.record("garbage".getBytes(StandardCharsets.US_ASCII));
        sink.record("6,2,0,-;bad \\q escape\n".getBytes(StandardCharsets.US_ASCII));
        deliver(3, "d");
        assertThat(log.malformedRecords()).isEqualTo(2);
        assertThat(log.gaps()).isEmpty();
        sink.record(new byte[0]);
        deliver(7, "h");
        // One of 4, 5, 6 arrived malformed; the other two are lost.
        assertThat(log.gaps()).containsExactly(new KernelLogGap(5, 7));
        assertThat(log.records()).extracting(KernelRecord::message).containsExactly("a", "d", "h");
    }

    @Test
    void aThrowingListenerLosesNothing() {
        KernelLogSink throwing = new KernelLogSink(r -> {
            throw new IllegalStateException("listener bug");
        });
        throwing.record("6,0,0,-;a\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(throwing.log().records()).hasSize(1);
    }

    @Test
    void unavailableUntilARecordArrives() {
        sink.unavailable("open /dev/kmsg: No such file or directory (ENOENT)");
        assertThat(log.isAvailable()).isFalse();
        assertThat(log.unavailableReason()).contains("open /dev/kmsg: No such file or directory (ENOENT)");
        deliver(0, "a");
        assertThat(log.isAvailable()).isTrue();
        assertThat(log.unavailableReason()).isEmpty();
    }

    @Test
    void theEndEndsTheLogAndLaterRecordsAreIgnored() {
        deliver(0, "a");
        sink.end();
        sink.end();
        deliver(1, "b");
        assertThat(log.isEnded()).isTrue();
        assertThat(log.records()).hasSize(1);
        assertThat(told).hasSize(1);
    }
    @Test
    void theChannelsSyncerIsWhatTheLogAsks() throws Exception {
        assertThat(log.awaitCaughtUp(java.time.Duration.ofDays(1))).as("before the agent connected").isFalse();
        int[] asked = {0};
        sink.streaming(() -> {
            asked[0]++;
            return java.util.concurrent.CompletableFuture.completedFuture(true);
        });
        assertThat(log.awaitCaughtUp(java.time.Duration.ofDays(1))).isTrue();
        assertThat(asked[0]).isEqualTo(1);
        sink.end();
        assertThat(log.awaitCaughtUp(java.time.Duration.ofDays(1))).as("after the end").isFalse();
        assertThat(asked[0]).isEqualTo(1);
    }
}
