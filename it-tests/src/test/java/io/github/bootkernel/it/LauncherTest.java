package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.probe.ProbeKernel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code engine/target/bootkernel} (from {@code engine/src/main/launcher}): it runs
 * bootkernel.jar with the same options and exit status, uses the class-data archive the build made
 * when the JVM that made it runs, and works without it. The guest is the probe, which runs on any
 * KVM, so these run on the build machines' host too.
 */
class LauncherTest {

    private static final long LIMIT_SECONDS = 120;

    private static Path launcher;
    private static Path probe;

    @TempDir
    Path dir;

    @BeforeAll
    static void findTheLauncher() {
        launcher = ToolProcess.jar().resolveSibling("bootkernel");
        assertThat(launcher).as("the launcher, built by the engine module's package phase").isExecutable();
        probe = ProbeKernel.image();
    }

    /** What a run printed and how it ended. */
    private record Run(int status, String stdout, String stderr) {
    }

    private Run run(Path script, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        // The JVM the build used, which made the archive (as the launcher's JAVA_HOME rule picks it).
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("BOOTKERNEL_JAVA_OPTIONS");
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            assertThat(process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)).as("the launcher ends").isTrue();
            return new Run(process.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.ISO_8859_1),
                    Files.readString(dir.resolve("err")));
        } finally {
            process.destroyForcibly();
        }
    }

    private String[] probeBoot(String action) {
        return new String[] {"--kernel", probe.toString(), "--memory", "32", "--cmdline", action, "--timeout", "60"};
    }

    @Test
    void passesTheOptionsThroughAndEndsWithTheToolsStatus() throws Exception {
        Run help = run(launcher, Map.of(), "--help");
        assertThat(help.status()).as("stderr: %s", help.stderr()).isZero();
        assertThat(help.stdout()).startsWith("usage: ");

        Run usage = run(launcher, Map.of(), "--kernel", probe.toString(), "--memory", "not-a-number");
        assertThat(usage.status()).isEqualTo(2);
        assertThat(usage.stderr()).contains("bootkernel: ").contains("--memory").doesNotContain("[warning]");

        // An argument with spaces and a glob character arrives as one argument, unexpanded.
        Run spaced = run(launcher, Map.of(), "--kernel", dir.resolve("no such kernel *").toString());
        assertThat(spaced.status()).as("stderr: %s", spaced.stderr()).isEqualTo(125);
        assertThat(spaced.stderr()).contains("no such kernel *");

        Run reset = run(launcher, Map.of(), probeBoot(ProbeKernel.RESET));
        assertThat(reset.status()).as("stderr: %s", reset.stderr()).isZero();
        assertThat(reset.stderr()).contains("guest ended: RESET");
    }

    @Test
    void aClosedStdinStaysClosedThroughTheScript() throws Exception {
        // The script's own commands must leave descriptor 0 as they found it: closed, so the tool
        // reads nothing (a file left there would pour into the echoing guest; see CommandLineToolTest).
        Path script = Files.writeString(dir.resolve("closed-stdin.sh"), "exec \"$@\" <&-\n");
        List<String> args = new ArrayList<>(List.of(launcher.toString()));
        args.addAll(List.of(probeBoot(ProbeKernel.ECHO)));
        args.set(args.size() - 1, "3"); // --timeout 3: the echo guest never ends by itself
        Run run = run(Path.of("/bin/sh"), Map.of(), Stream.concat(Stream.of(script.toString()), args.stream())
                .toArray(String[]::new));
        assertThat(run.stdout()).as("the echo guest received nothing").endsWith("probe: ready\r\n");
        assertThat(run.status()).as("ended by --timeout; stderr: %s", run.stderr()).isEqualTo(124);
    }

    @Test
    void loadsTheToolsClassesFromTheArchiveTheBuildMade() throws Exception {
        Path log = dir.resolve("class-load.txt");
        Run run = run(launcher, Map.of("BOOTKERNEL_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + log),
                probeBoot(ProbeKernel.RESET));
        assertThat(run.status()).as("stderr: %s", run.stderr()).isZero();
        List<String> ours = Files.readAllLines(log).stream()
                .filter(line -> line.contains(" io.github.bootkernel.engine.")).toList();
        assertThat(ours).as("the engine's classes loaded").isNotEmpty();
        assertThat(ours.stream().filter(line -> line.contains("source: shared objects file (top)")))
                .as("classes from the dynamic archive bootkernel.jsa").hasSizeGreaterThan(ours.size() / 2);
    }

    @Test
    void optionsFromTheEnvironmentComeAfterTheScriptsAndWin() throws Exception {
        Path log = dir.resolve("class-load.txt");
        Run run = run(launcher, Map.of("BOOTKERNEL_JAVA_OPTIONS", "-Xshare:off -Xlog:class+load=info:file=" + log),
                probeBoot(ProbeKernel.RESET));
        assertThat(run.status()).as("stderr: %s", run.stderr()).isZero();
        assertThat(Files.readString(log)).as("-Xshare:off after the script's -Xshare:auto")
                .contains(" io.github.bootkernel.engine.cli.Main ").doesNotContain("shared objects file");
    }

    @Test
    void runsWithoutTheArchiveOrWithOneFromAnotherJvm() throws Exception {
        Path copy = Files.createDirectories(dir.resolve("tool"));
        Path jar = ToolProcess.jar();
        Files.copy(launcher, copy.resolve("bootkernel"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(jar, copy.resolve("bootkernel.jar"));

        Run without = run(copy.resolve("bootkernel"), Map.of(), probeBoot(ProbeKernel.RESET));
        assertThat(without.status()).as("stderr: %s", without.stderr()).isZero();
        assertThat(without.stderr()).contains("guest ended: RESET").doesNotContain("[warning]");

        // An archive stamped with another JVM is left alone: no CDS warning, same result.
        Files.copy(jar.resolveSibling("bootkernel.jsa"), copy.resolve("bootkernel.jsa"));
        Files.writeString(copy.resolve("bootkernel.jsa.jvm"), "/another/jvm/lib/server/libjvm.so 1 1\n");
        Run other = run(copy.resolve("bootkernel"), Map.of(), probeBoot(ProbeKernel.RESET));
        assertThat(other.status()).as("stderr: %s", other.stderr()).isZero();
        assertThat(other.stderr()).contains("guest ended: RESET").doesNotContain("[warning]");
    }
}
