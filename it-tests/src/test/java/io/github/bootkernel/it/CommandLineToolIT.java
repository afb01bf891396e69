package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.Catalog;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code java -jar bootkernel.jar} the way the README tells people to, as a separate process. */
class CommandLineToolIT {

    @TempDir
    Path dir;

    @Test
    @ExtendWith(StockKernelHost.class)
    void bootsTheStockKernelAndExitsWithTheGuestsStatus() throws Exception {
        Path jar = Path.of(System.getProperty("bootkernel.jar", "../engine/target/bootkernel.jar"));
        assertThat(jar).as("the shaded command-line jar, built by the engine module").exists();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-jar", jar.toString(),
                "--kernel", Catalog.DEBIAN_CLOUD.get().path().toString(),
                "--initrd", Images.helloThenStatus3(dir).toString(),
                "--cmdline", "quiet", "--timeout", "180");
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectError(dir.resolve("stderr.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        List<String> stdout = new ArrayList<>();
        double toInit = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                stdout.add(line);
                if (toInit < 0 && line.contains(Images.HELLO)) {
                    toInit = (System.nanoTime() - t0) / 1e9;
                }
            }
        }
        assertThat(process.waitFor(200, TimeUnit.SECONDS)).as("the tool ends by itself").isTrue();
        String stderr = Files.readString(dir.resolve("stderr.txt"));
        System.out.printf("java -jar bootkernel.jar: init line %.2f s after start, exit %d, %s%n",
                toInit, process.exitValue(), stderr.strip());
        assertThat(stdout).as("console on stdout").anyMatch(l -> l.contains(Images.HELLO));
        assertThat(process.exitValue()).as("exit status; stderr: %s", stderr).isEqualTo(3);
        assertThat(stderr).contains("exit status 3");
    }

    @Test
    @ExtendWith(StockKernelHost.class)
    void commandsPipedInBeforeTheKernelStartsRunInItsShell() throws Exception {
        List<String> command = ToolProcess.command("--kernel", Catalog.DEBIAN_CLOUD.get().path().toString(),
                "--initrd", Catalog.BUSYBOX_INITRAMFS.get().path().toString(), "--cmdline", "quiet", "--timeout", "180");
        try (ToolProcess tool = ToolProcess.start(new ProcessBuilder(command)
                .redirectError(dir.resolve("stderr.txt").toFile()))) {
            tool.type("echo typed-ahead-$((6 * 7))\n/bin/exit-status 5\n");

            int exit = tool.awaitExit(java.time.Duration.ofSeconds(200));

            String stderr = Files.readString(dir.resolve("stderr.txt"));
            assertThat(tool.stdout()).as("the first command ran; stderr: %s", stderr).contains("typed-ahead-42\r\n");
            assertThat(exit).as("the second command ended the guest; stderr: %s", stderr).isEqualTo(5);
        }
    }

    @Test
    void aMissingKernelIsAMonitorErrorNamingTheFile() throws Exception {
        Path jar = Path.of(System.getProperty("bootkernel.jar", "../engine/target/bootkernel.jar"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "--kernel",
                dir.resolve("no-such-kernel").toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(125);
        assertThat(output).contains("no-such-kernel").contains("no such file");
    }
}
