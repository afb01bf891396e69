package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import io.github.bootkernel.engine.kmsg.internal.KernelLogSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --kernel-log FILE}: records as {@code dmesg -r} prints them, gaps as lines in their place;
 * the wait for the log to catch up before the guest is stopped.
 */
class KernelLogFileTest {

    @TempDir
    Path dir;

    @Test
    void writesEveryRecordDmesgStyleAndEachGapInItsPlace() throws Exception {
        Path file = dir.resolve("kmsg.log");
        KernelLog log = KernelLog.of(List.of(
                new KernelRecord(2, 6, 0, 1_234_567, false, "Linux version 6.1.0", Map.of()),
                new KernelRecord(3, 4, 0, 2_000_000, false, "WARNING: CPU: 0 PID: 1 at foo\nsecond line", Map.of()),
                new KernelRecord(9, 4, 1, 12_345_678_901L, false, "from user space", Map.of("SUBSYSTEM", "pci"))));
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        try (KernelLogFile kmsg = KernelLogFile.open(Options.parse(List.of("--kernel", "k", "--kernel-log",
                file.toString())))) {
            kmsg.follow(log);
            kmsg.finish(log, new PrintStream(err, true, StandardCharsets.UTF_8));
        }

        assertThat(Files.readAllLines(file)).containsExactly(
                "--- 2 records lost (sequence 0 to 1): the kernel's ring overwrote them ---",
                "<6>[    1.234567] Linux version 6.1.0",
                "<4>[    2.000000] WARNING: CPU: 0 PID: 1 at foo",
                "<4>[    2.000000] second line",
                "--- 5 records lost (sequence 4 to 8): the kernel's ring overwrote them ---",
                "<12>[12345.678901] from user space");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void awaitCaughtUpReturnsOnceTheAgentSaysEveryRecordArrived() throws Exception {
        Path file = dir.resolve("live.log");
        KernelLogSink sink = new KernelLogSink(r -> { });
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        sink.streaming(() -> answer);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        try (KernelLogFile kmsg = KernelLogFile.open(Options.parse(List.of("--kernel", "k", "--kernel-log",
                file.toString())))) {
            kmsg.follow(sink.log());
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try {
                    kmsg.awaitCaughtUp(sink.log(), stderr);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < 8; i++) {
                sink.record(("6," + i + ",1,-;record " + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
            Thread.sleep(50);
            assertThat(waiting).as("no answer from the agent yet").isNotDone();
            answer.complete(true);
            waiting.get(10, TimeUnit.SECONDS);
            sink.end();
            kmsg.finish(sink.log(), stderr);
        }
        assertThat(Files.readAllLines(file)).hasSize(8).last().isEqualTo("<6>[    0.000001] record 7");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void awaitCaughtUpSaysSoAtItsLimit() throws Exception {
        Path file = dir.resolve("slow.log");
        KernelLogSink sink = new KernelLogSink(r -> { });
        sink.streaming(CompletableFuture::new); // never answered
        sink.record("6,0,1,-;a record\n".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        try (KernelLogFile kmsg = KernelLogFile.open(Options.parse(List.of("--kernel", "k", "--kernel-log",
                file.toString())))) {
            kmsg.follow(sink.log());
            kmsg.awaitCaughtUp(sink.log(), Duration.ofMillis(100), stderr);
            sink.end();
            kmsg.finish(sink.log(), stderr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("bootkernel: --kernel-log: the kernel log had not"
                + " caught up with the guest 100 ms after the command ended; " + file + " ends where the guest was stopped\n");
    }

    @Test
    void awaitCaughtUpIsSilentWhenTheLogEndedOrNeverStreamed() throws Exception {
        Path file = dir.resolve("ended.log");
        KernelLog ended = KernelLog.of(List.of(new KernelRecord(0, 6, 0, 1, false, "m", Map.of())));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        try (KernelLogFile kmsg = KernelLogFile.open(Options.parse(List.of("--kernel", "k", "--kernel-log",
                file.toString())))) {
            kmsg.follow(ended);
            kmsg.awaitCaughtUp(ended, stderr);
            kmsg.awaitCaughtUp(new KernelLogSink(r -> { }).log(), stderr);
            kmsg.finish(ended, stderr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void saysSoWhenNoRecordArrived() throws Exception {
        Path file = dir.resolve("empty.log");
        KernelLog log = KernelLog.of(List.of());
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        try (KernelLogFile kmsg = KernelLogFile.open(Options.parse(List.of("--kernel", "k", "--kernel-log",
                file.toString())))) {
            kmsg.follow(log);
            kmsg.finish(log, new PrintStream(err, true, StandardCharsets.UTF_8));
        }

        assertThat(file).isEmptyFile();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("bootkernel: --kernel-log: " + file + " holds no"
                + " record: no guest agent streamed the kernel log (does the initrd's /init start bootkernel-agent on"
                + " ttyS1?)\n");
    }

    @Test
    void noRecordSaysTheAgentsReasonElseTheTroubleNamedBefore() throws Exception {
        Path file = dir.resolve("none.log");
        KernelLogSink refused = new KernelLogSink(r -> { });
        refused.unavailable("open /dev/kmsg: No such file or directory (ENOENT)");
        refused.end();
        KernelLog empty = KernelLog.of(List.of());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        Options options = Options.parse(List.of("--kernel", "k", "--kernel-log", file.toString()));

        try (KernelLogFile kmsg = KernelLogFile.open(options)) {
            kmsg.follow(refused.log());
            kmsg.finish(refused.log(), Optional.of("ignored: the agent's own reason comes first"), stderr);
        }
        try (KernelLogFile kmsg = KernelLogFile.open(options)) {
            kmsg.follow(empty);
            kmsg.finish(empty, Optional.of("the guest agent's channel failed (see above)"), stderr);
        }

        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
                "bootkernel: --kernel-log: " + file + " holds no record: the guest agent could not stream the kernel"
                        + " log: open /dev/kmsg: No such file or directory (ENOENT)\n"
                + "bootkernel: --kernel-log: " + file + " holds no record: the guest agent's channel failed (see"
                        + " above)\n");
    }

    @Test
    void withoutTheOptionItDoesNothing() throws Exception {
        try (KernelLogFile kmsg = KernelLogFile.open(Options.parse(List.of("--kernel", "k")))) {
            kmsg.follow(KernelLog.of(List.of()));
            kmsg.finish(KernelLog.of(List.of()), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        }
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
