package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.Catalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code java -jar bootkernel.jar --kernel K --exec CMD}, as a separate process, the way
 * {@code vng -- CMD} is used: no {@code --initrd} (the tool boots the cached busybox image, which
 * starts the agent), a file added with {@code --put}, the console in a file.
 */
@ExtendWith(StockKernelHost.class)
class CommandLineExecIT {

    @TempDir
    Path dir;

    private record Run(int status, String stdout, String stderr) {
    }

    private Run tool(String... args) throws Exception {
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Process process = new ProcessBuilder(ToolProcess.command(args)).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        assertThat(process.waitFor(400, TimeUnit.SECONDS)).as("the tool ends by itself").isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    // A stock kernel and our own; debian-generic's agent is covered by AgentIT (each run costs
    // about 40 s in the nested VM).
    @ParameterizedTest
    @ValueSource(strings = {"debian-cloud", "tiny"})
    void runsTheCommandWithItsStreamsAndStatusAsTheTools(String kernel) throws Exception {
        Path data = Files.writeString(dir.resolve("data.txt"), "put by the host\n");
        Path console = dir.resolve("console.txt");
        long t0 = System.nanoTime();

        Run run = tool("--kernel", Catalog.item(kernel).get().path().toString(), "--timeout", "300",
                "--put", data + ":/tmp/data.txt", "--console-log", console.toString(),
                "--exec", "cat /tmp/data.txt; uname -s; echo err >&2; exit 7");

        System.out.printf("bootkernel --exec on %s: %.1f s from java -jar to the end%n", kernel,
                (System.nanoTime() - t0) / 1e9);
        assertThat(run.status()).as("the command's status; stderr: %s", run.stderr()).isEqualTo(7);
        assertThat(run.stdout()).isEqualTo("put by the host\nLinux\n");
        assertThat(run.stderr()).as("the command's stderr alone").isEqualTo("err\n");
        assertThat(Files.readString(console)).as("the console, in --console-log").contains("Linux version");
    }

    @Test
    void kernelLogWritesEveryRecordOfTheBootAndOfTheCommand() throws Exception {
        Path kmsg = dir.resolve("kmsg.log");
        long t0 = System.nanoTime();
        // The file grows record by record: when it first and last grew is how long the log took to arrive.
        long[] growth = {0, 0, 0}; // size, first growth, last growth (nanoTime)
        Thread watch = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long size = kmsg.toFile().length();
                if (size > growth[0]) {
                    growth[1] = growth[0] == 0 ? System.nanoTime() : growth[1];
                    growth[2] = System.nanoTime();
                    growth[0] = size;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watch.start();

        Run run = tool("--kernel", Catalog.DEBIAN_CLOUD.get().path().toString(), "--timeout", "300", "--cmdline", "quiet",
                "--kernel-log", kmsg.toString(), "--exec", "echo '<4>bootkernel: written by the command' > /dev/kmsg");

        double seconds = (System.nanoTime() - t0) / 1e9;
        watch.interrupt();
        watch.join();
        List<String> lines = Files.readAllLines(kmsg, StandardCharsets.UTF_8);
        System.out.printf("bootkernel --kernel-log on debian-cloud (quiet): %.1f s from java -jar to the end; %d bytes,"
                + " %d lines, arriving over %.1f s (from %.1f s after java -jar)%n", seconds, Files.size(kmsg), lines.size(),
                (growth[2] - growth[1]) / 1e9, (growth[1] - t0) / 1e9);
        assertThat(run.status()).as("stderr: %s", run.stderr()).isZero();
        assertThat(run.stderr()).as("the kernel log is complete").doesNotContain("--kernel-log");
        assertThat(lines).as("the boot's first record, which quiet hides from the console")
                .anyMatch(l -> l.matches("<5>\\[ +0\\.0+\\] Linux version 6\\..*"));
        assertThat(lines).as("the command's record: facility user, level 4")
                .anyMatch(l -> l.matches("<12>\\[ *\\d+\\.\\d{6}\\] bootkernel: written by the command"));
    }

    @Test
    void aSignalEndsTheToolWith128PlusItsNumberAndVerboseShowsTheConsole() throws Exception {
        Run run = tool("--kernel", Catalog.TINY.get().path().toString(), "--timeout", "300", "--verbose",
                "--exec", "echo before; kill -TERM $$");

        assertThat(run.status()).as("stderr: %s", run.stderr()).isEqualTo(143);
        assertThat(run.stdout()).isEqualTo("before\n");
        assertThat(run.stderr()).as("the console on stderr, then the summary").contains("Linux version")
                .contains("bootkernel: guest ended: ");
        assertThat(List.of(run.stderr().split("\n"))).last().asString().startsWith("bootkernel: guest ended: ");
    }
}
