package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.internal.ItemStore;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several JVMs share one cache directory, as Surefire forks, {@code mvn -T}, two checkouts or CI
 * jobs sharing {@code ~/.cache/bootkernel} do: they fill the same item at once, record it in the
 * index and point {@code latest/} at it. Every JVM gets the same complete file, nothing one JVM
 * stored is deleted under another, no index entry is lost, and a JVM killed while holding an
 * item's lock leaves nothing that blocks or confuses the next one (reliability issue, kind 6).
 */
class CacheSharedBetweenJvmsTest {

    private static final int JVMS = 4;
    private static final int ROUNDS = 6;

    @TempDir
    Path cache;

    @Test
    void jvmsFillingOneItemAtOnceAllGetTheSameCompleteFile() throws Exception {
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < JVMS; i++) {
            processes.add(java("fill", cache.toString(), "jvm" + i, Integer.toString(ROUNDS)));
        }
        Files.createFile(cache.resolve("go"));
        List<String> got = new ArrayList<>();
        for (Process process : processes) {
            List<String> output = output(process);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("JVM ended").isTrue();
            assertThat(process.exitValue()).as("exit status; output:\n%s", String.join("\n", output)).isZero();
            got.addAll(output.stream().filter(line -> line.startsWith("got ")).toList());
        }

        Path stored = cache.resolve(FakeItemJvm.ID).resolve(FakeItemJvm.VERSION).resolve("fake.bin");
        assertThat(got).hasSize(JVMS * ROUNDS).allMatch(line -> line.equals("got " + stored));
        assertThat(stored).hasBinaryContent(FakeItemJvm.CONTENT);
        assertThat(names(cache.resolve(FakeItemJvm.ID))).as("one entry, its pointer, no temporary file")
                .containsExactlyInAnyOrder(FakeItemJvm.VERSION, "current");
        assertThat(names(stored.getParent())).containsExactlyInAnyOrder("fake.bin", "record.properties");
        System.setProperty("bootkernel.cache", cache.toString());
        try {
            for (int i = 0; i < JVMS; i++) {
                assertThat(Files.readSymbolicLink(cache.resolve("latest").resolve("jvm" + i))).isEqualTo(stored);
                for (int round = 0; round < ROUNDS; round++) {
                    assertThat(KernelIndex.lookup("jvm" + i + "-" + round)).as("index entry of JVM %d round %d",
                            i, round).hasValueSatisfying(entry -> assertThat(entry.path()).isEqualTo(stored));
                }
            }
        } finally {
            System.clearProperty("bootkernel.cache");
        }
        assertThat(names(cache.resolve("latest"))).noneMatch(name -> name.endsWith(".tmp"));
        assertThat(names(cache)).noneMatch(name -> name.endsWith(".tmp"));
    }

    @Test
    void aJvmKilledHoldingTheLockLeavesNothingBehindForTheNext() throws Exception {
        Process holder = java("hold", cache.toString());
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("holding");
            holder.destroyForcibly();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Path item = cache.resolve(FakeItemJvm.ID);
        assertThat(names(item)).contains(".staging-killed", ".current.0123456789abcdef.tmp");

        CachedFile file = ItemStore.resolve(cache, FakeItemJvm.ID, new FakeItemJvm.Slow(), line -> { }, false);

        assertThat(file.path()).hasBinaryContent(FakeItemJvm.CONTENT);
        assertThat(names(item)).containsExactlyInAnyOrder(FakeItemJvm.VERSION, "current");
        assertThat(names(file.path().getParent())).containsExactlyInAnyOrder("fake.bin", "record.properties");
    }

    /**
     * Starts {@link FakeItemJvm} in a new JVM on the class path: this module's test classes (which
     * Surefire patches into the module rather than listing them), its module path and class path.
     */
    private static Process java(String... args) throws IOException {
        String classPath = String.join(File.pathSeparator, Path.of("target", "test-classes").toString(),
                System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                FakeItemJvm.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static List<String> output(Process process) throws IOException {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            return out.lines().toList();
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(child -> child.getFileName().toString()).toList();
        }
    }
}
