package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.TinyGuests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool in-process on hand-assembled guests (any KVM): it ends when the guest does, and a
 * stdout that blocks forever (a pipe nobody reads) stalls neither the guest nor the tool's end.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // fail, never hang the build
class MainConsoleTest {

    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stderrBytes = new ByteArrayOutputStream();
    private final PrintStream stderr = new PrintStream(stderrBytes, true, StandardCharsets.UTF_8);

    private int run(byte[] guest, OutputStream stdout, String... more) throws Exception {
        String kernel = TinyGuests.write(dir, "guest", guest).toString();
        String[] args = new String[4 + more.length];
        args[0] = "--kernel";
        args[1] = kernel;
        args[2] = "--memory";
        args[3] = "32";
        System.arraycopy(more, 0, args, 4, more.length);
        return Main.run(args, new ByteArrayInputStream(new byte[0]), stdout, stderr);
    }

    private String stderr() {
        return stderrBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void endsWhenTheGuestEndsWithAllItsOutput() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        long t0 = System.nanoTime();

        int status = run(TinyGuests.printThenExit("hello\r\n/ # no newline", 3), stdout, "--timeout", "60");

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the tool, for a guest that exits at once")
                .isLessThan(PROMPTLY);
        assertThat(status).isEqualTo(3);
        assertThat(stdout.toString(StandardCharsets.US_ASCII)).isEqualTo("hello\r\n/ # no newline");
        assertThat(stderr()).contains("guest ended: exit status 3").doesNotContain("dropped");
    }

    @Test
    void aStdoutThatBlocksForeverDoesNotKeepTheToolFromEndingAtItsTimeLimit() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        OutputStream blocked = new OutputStream() {
            @Override
            public void write(int b) {
                block();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                block();
            }

            private void block() {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try {
            long t0 = System.nanoTime();

            int status = run(TinyGuests.printForever("flood\r\n"), blocked, "--timeout", "2");

            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            System.out.printf("bootkernel --timeout 2 with a stdout that blocks forever: ended after %.2f s; %s%n",
                    took.toNanos() / 1e9, stderr().strip());
            assertThat(took).as("the tool with --timeout 2 and a blocked stdout").isLessThan(Duration.ofSeconds(8));
            assertThat(status).isEqualTo(ExitCodes.TIMEOUT);
            java.util.regex.Matcher summary = java.util.regex.Pattern.compile(
                    "guest ended: TIMEOUT.* ([0-9]+) VM exits?(?:, ([0-9]+) coalesced port writes?)?, ([1-9][0-9]*) "
                    + "console bytes dropped: stdout blocked\\)")
                    .matcher(stderr());
            assertThat(summary.find()).as("the summary line in %s", stderr()).isTrue();
            // the guest wrote one byte per VM exit or coalesced write, and stdout took none: each is counted once
            long written = Long.parseLong(summary.group(1))
                    + (summary.group(2) == null ? 0 : Long.parseLong(summary.group(2)));
            assertThat(Long.parseLong(summary.group(3))).isLessThanOrEqualTo(written).isGreaterThan(written - 100);
        } finally {
            never.countDown();
        }
    }
}
