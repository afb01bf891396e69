package io.github.bootkernel.kernels.tiny;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bootkernel.kernels.Cache;
import io.github.bootkernel.kernels.CachedFile;
import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.CommandRunner;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds {@code tiny} and {@code tiny-kunit} into the real cache, as {@code Prepare} does: a few
 * minutes each the first time on a machine (progress is printed), then a lookup in the cache.
 * Checks the images and their records and, when {@code qemu-system-x86_64} is installed, boots
 * them under QEMU's software emulator as an independent check of the images: QEMU is not the
 * bootkernel monitor, so these boots say nothing about it.
 */
class TinyKernelsBuildTest {

    private static final long MAX_SIZE = 3L * 1024 * 1024;
    private static final Duration QEMU_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path temp;

    private static CachedFile build(String id) {
        long start = System.nanoTime();
        CachedFile kernel = Catalog.item(id).get(System.out::println);
        System.out.printf("%s: %s, %d bytes, lookup or build took %s%n", id, kernel.path(), size(kernel.path()),
                CommandRunner.format(Duration.ofNanos(System.nanoTime() - start)));
        return kernel;
    }

    @Test
    void tinyIsASmallBzImageWithItsRecordConfigAndLog() throws IOException {
        CachedFile kernel = build(Catalog.TINY.id());

        assertIsSmallBzImage(kernel);
        Properties record = record(kernel);
        TinyRecipe recipe = TinyKernels.recipe(Catalog.TINY.id());
        assertThat(kernel.path()).isEqualTo(Cache.root().resolve("tiny").resolve(recipe.key(kernel.version()))
                .resolve("bzImage"));
        assertThat(kernel.version()).matches("6\\.1\\.[0-9]+-[0-9]+.*").isEqualTo(record.getProperty("version"));
        assertThat(record.getProperty("configHash")).isEqualTo(recipe.configHash());
        assertThat(record.getProperty("sha256")).isEqualTo(CacheEntries.sha256(kernel.path()));
        assertThat(record.getProperty("source")).isEqualTo("built from Debian linux-source-6.1 " + kernel.version()
                + " with tinyconfig + tiny.config");
        assertThat(kernel.origin()).startsWith(record.getProperty("source")).contains("gcc ")
                .endsWith(record.getProperty("sha256"));
        String config = Files.readString(kernel.path().resolveSibling("config"));
        assertThat(config).contains("\nCONFIG_KVM_GUEST=y\n", "\n# CONFIG_ACPI is not set\n", "\nCONFIG_SERIAL_8250_CONSOLE=y\n")
                .doesNotContain("\nCONFIG_KUNIT=y\n");
        assertThat(ConfigFragment.unmet(recipe.wanted(), ConfigFragment.parse("config", config))).isEmpty();
        assertThat(kernel.path().resolveSibling("build.log")).content().contains("make", "bzImage");
        assertThat(Cache.root().resolve("tiny/current")).hasContent(kernel.path().getParent().getFileName().toString());
    }

    @Test
    void tinyKunitIsASmallBzImageWithKunitOnTopOfTiny() throws IOException {
        CachedFile kernel = build(Catalog.TINY_KUNIT.id());

        assertIsSmallBzImage(kernel);
        assertThat(kernel.id()).isEqualTo("tiny-kunit");
        assertThat(record(kernel).getProperty("fragments")).isEqualTo("tiny.config + tiny-kunit.config");
        assertThat(Files.readString(kernel.path().resolveSibling("config")))
                .contains("\nCONFIG_KUNIT=y\n", "\nCONFIG_KUNIT_ALL_TESTS=y\n", "\nCONFIG_KVM_GUEST=y\n");
    }

    @Test
    void aSecondLookupUsesTheCacheAloneWithoutRebuilding() throws IOException {
        CachedFile first = build(Catalog.TINY.id());
        String log = Files.readString(first.path().resolveSibling("build.log"));
        List<String> progress = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();

        // resolve() skips this JVM's memo, so this is a real cache lookup, as in a new JVM.
        CachedFile second = TinyKernels.resolve(TinyKernels.recipe(Catalog.TINY.id()), Cache.root(), progress::add,
                false);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(second).isEqualTo(first);
        assertThat(progress).isEmpty();
        assertThat(first.path().resolveSibling("build.log")).hasContent(log);
    }

    @Test
    void tinyBootsBusyboxUnderQemuAndReportsItsExitStatusThroughIoperm() throws Exception {
        Path qemu = qemu();
        CachedFile kernel = build(Catalog.TINY.id());
        Path initramfs = BusyboxInitramfs.create().withExitStatusHelper()
                .initBody("echo hello from tiny\n/bin/exit-status 3\n").build()
                .writeTo(temp.resolve("initramfs.cpio.gz"));

        Boot boot = boot(qemu, kernel.path(), "console=ttyS0 panic=-1", initramfs);

        assertThat(boot.serial()).as(boot.toString()).contains("Linux version 6.1.",
                BusyboxInitramfs.READY_LINE, "hello from tiny");
        assertThat(boot.status()).as("QEMU status (3 << 1 | 1 from isa-debug-exit); " + boot).isEqualTo(7);
    }

    @Test
    void tinyKunitPrintsKtapUnderQemu() throws Exception {
        Path qemu = qemu();
        CachedFile kernel = build(Catalog.TINY_KUNIT.id());

        // No initramfs: after the tests the kernel finds no init and panics; panic=-1 reboots and
        // -no-reboot ends QEMU.
        Boot boot = boot(qemu, kernel.path(), "console=ttyS0 quiet loglevel=7 panic=-1", null);

        // KTAP: "KTAP version 1", the plan "1..27" (27 suites in 6.1.192), then "ok N <suite>" for
        // each; a failed test or suite would show as "not ok".
        assertThat(boot.serial()).as(boot.toString()).contains("KTAP version 1", "] ok 1 ")
                .containsPattern("\\] 1\\.\\.[1-9][0-9]*\r?\n")
                .doesNotContain("not ok");
    }

    private static void assertIsSmallBzImage(CachedFile kernel) throws IOException {
        assertThat(kernel.path()).isRegularFile();
        byte[] start = new byte[0x206];
        try (var in = Files.newInputStream(kernel.path())) {
            assertThat(in.readNBytes(start, 0, start.length)).isEqualTo(start.length);
        }
        assertThat(new String(start, 0x202, 4, StandardCharsets.US_ASCII)).isEqualTo("HdrS");
        assertThat(size(kernel.path())).isBetween(256L * 1024, MAX_SIZE);
    }

    private static Properties record(CachedFile kernel) throws IOException {
        Properties record = new Properties();
        try (Reader reader = Files.newBufferedReader(kernel.path().resolveSibling(CacheEntries.RECORD))) {
            record.load(reader);
        }
        return record;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a QEMU boot left behind. */
    record Boot(int status, String serial, Duration took) {
        @Override
        public String toString() {
            return "QEMU status " + status + " after " + CommandRunner.format(took) + ", serial:\n" + serial;
        }
    }

    private static Path qemu() {
        String path = System.getenv("PATH");
        Optional<Path> qemu = path == null ? Optional.empty() : Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "qemu-system-x86_64"))
                .filter(Files::isExecutable)
                .findFirst();
        assumeTrue(qemu.isPresent(), "qemu-system-x86_64 is not installed");
        return qemu.get();
    }

    private Boot boot(Path qemu, Path kernel, String commandLine, Path initrd) throws Exception {
        List<String> command = new ArrayList<>(List.of(qemu.toString(), "-nodefaults", "-machine", "pc,accel=tcg",
                "-m", "128", "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x01",
                "-kernel", kernel.toString(), "-append", commandLine));
        if (initrd != null) {
            command.addAll(List.of("-initrd", initrd.toString()));
        }
        Path out = Files.createTempFile(temp, "serial-", ".txt");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            if (!process.waitFor(QEMU_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("QEMU did not end within " + CommandRunner.format(QEMU_TIMEOUT) + "; serial:\n"
                        + Files.readString(out, StandardCharsets.ISO_8859_1));
            }
        } finally {
            process.destroyForcibly();
        }
        Boot boot = new Boot(process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Duration.ofNanos(System.nanoTime() - start));
        System.out.println(kernel.getParent().getParent().getFileName() + " under QEMU TCG: status " + boot.status()
                + " after " + CommandRunner.format(boot.took()));
        return boot;
    }
}
