package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.probe.ProbeKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar bootkernel.jar} as a separate process whose stdout is a pipe nobody reads: the
 * console is written off the vCPU thread, so the pipe filling up stalls neither the guest nor its
 * time limit nor the tool's end. The guest is the probe (a test double, not Linux), flooding its
 * console; it runs on any KVM, the build machines' PVM included, so this is a unit test of the
 * host build (a JVM's start in the nested VM takes too long and varies too much to bound).
 *
 * <p>The time limit is 8 s so that the probe outgrows the 64 KiB pipe there too: on the build
 * machines' PVM it prints about 20 KB/s (measured), filling the pipe after about 3 s. Before the
 * console was delivered off the vCPU thread, the guest then stalled in the pipe and the tool never
 * ended.
 */
class CommandLineStdoutTest {

    @TempDir
    Path dir;

    @Test
    void aStdoutPipeNobodyReadsDoesNotKeepTheToolFromEndingAtItsTimeLimit() throws Exception {
        int timeLimit = 8;
        Path jar = Path.of(System.getProperty("bootkernel.jar", "../engine/target/bootkernel.jar"));
        assertThat(jar).as("the shaded command-line jar, built by the engine module").exists();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path stderr = dir.resolve("stderr.txt");
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(java.toString(), "-jar", jar.toString(),
                "--kernel", ProbeKernel.image().toString(), "--cmdline", ProbeKernel.flood(0),
                "--memory", "32", "--timeout", Integer.toString(timeLimit))
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start(); // stdout: a pipe this test never reads
        try {
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            String summary = Files.readString(stderr).strip();
            System.out.printf("java -jar bootkernel.jar --timeout %d, stdout never read: ended=%s after %.2f s; %s%n",
                    timeLimit, ended, seconds, summary);

            assertThat(ended).as("the tool ends although nobody reads its stdout; stderr: %s", summary).isTrue();
            // Generous: a stalled tool never ends; a working one ends a second after its limit.
            assertThat(seconds).as("seconds to the end, JVM start included").isLessThan(timeLimit + 30);
            assertThat(process.exitValue()).as("exit status; stderr: %s", summary).isEqualTo(124);
            assertThat(summary).containsPattern("guest ended: TIMEOUT.*[1-9][0-9]* console bytes dropped: stdout blocked");
        } finally {
            process.destroyForcibly();
        }
    }
}
