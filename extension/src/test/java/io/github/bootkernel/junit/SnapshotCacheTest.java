package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.SnapshotFileException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot cache's files without KVM: the snapshot file is written and read by stand-ins for
 * {@code Snapshot.save} and {@code load} (text in a file), so what is tested is the entry's
 * naming, its atomic write, its use and invalidation, the pruning and the lock.
 */
class SnapshotCacheTest {

    private static final FileIdentity KERNEL = new FileIdentity(Path.of("/a/bzImage"), 6144, "ab".repeat(32));
    private static final TemplateKey KEY = new TemplateKey(KERNEL, Optional.empty(), "console=ttyS0 probe.echo", 32, 1,
            "probe: ready", false, false, Path.of("/dev/kvm"));
    private static final String HOST = "0123456789abcdef";
    private static final TemplateRecord RECORD = new TemplateRecord("parameter #0 of Some.test(Guest)\nsecond line é",
            KEY.describe(), Instant.parse("2026-11-30T08:00:00.123Z"), Duration.ofMillis(1234), Duration.ofMillis(56),
            "monitor ready 0.010 s, ready line 1.200 s", "probe: cmdline=x\nprobe: ready\n", 3);

    @TempDir
    Path dir;

    private static Consumer<Path> writes(String content) {
        return file -> {
            try {
                Files.writeString(file, content);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new SnapshotFileException(file, SnapshotFileException.Reason.MISSING, "no file", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> names() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anEntryIsSavedWholeAndLoadedWithItsRecordAndEachLoadIsAUse() throws IOException {
        SnapshotCache cache = new SnapshotCache(dir);
        SnapshotCache.Entry entry = cache.entry(KEY, HOST);
        assertThat(entry.load(SnapshotCacheTest::read)).as("nothing saved yet").isEmpty();

        assertThat(entry.save(writes("the snapshot"), RECORD)).isTrue();

        assertThat(names()).as("the entry alone, no temporary directory").containsExactly(entry.path().getFileName()
                .toString());
        assertThat(entry.path().getFileName().toString()).matches("t-[0-9a-f]{32}");
        try (Stream<Path> files = Files.list(entry.path())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(SnapshotCache.SNAPSHOT,
                    SnapshotCache.RECORD, SnapshotCache.CONSOLE, SnapshotCache.KEY);
        }
        assertThat(Files.readString(entry.path().resolve(SnapshotCache.KEY)))
                .contains("snapshot file format: ").contains("host identity: " + HOST + "\n")
                .contains("kernel: sha256 " + KERNEL.sha256() + ", 6144 bytes\n")
                .contains("cmdline: console=ttyS0 probe.echo\n").contains("# " + KEY.describe());
        Files.setLastModifiedTime(entry.path(), FileTime.from(Instant.now().minus(Duration.ofDays(3))));

        SnapshotCache.Hit<String> hit = entry.load(SnapshotCacheTest::read).orElseThrow();

        assertThat(hit.snapshot()).isEqualTo("the snapshot");
        assertThat(hit.file()).isEqualTo(entry.snapshotFile());
        assertThat(hit.record()).isEqualTo(RECORD);
        assertThat(Files.getLastModifiedTime(entry.path()).toInstant()).as("the load is recorded as a use")
                .isAfter(Instant.now().minus(Duration.ofMinutes(1)));
    }

    @Test
    void theRecordSurvivesItsTextWithAnyCharacters() {
        assertThat(TemplateRecord.parse(RECORD.text(), RECORD.console())).isEqualTo(RECORD);
        assertThatThrownBy(() -> TemplateRecord.parse(RECORD.text().replace("format=1", "format=2"), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("record format 2, not 1");
        assertThatThrownBy(() -> TemplateRecord.parse(RECORD.text().replaceAll("(?m)^bootTimeNanos=.*$", ""), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no field 'bootTimeNanos'");
    }

    @Test
    void everyInputTheGuestSawNamesAnotherEntryAndThePathsAndTheKvmDeviceDoNot() {
        SnapshotCache cache = new SnapshotCache(dir);
        String name = cache.entry(KEY, HOST).path().getFileName().toString();
        FileIdentity otherContent = new FileIdentity(KERNEL.path(), KERNEL.size(), "cd".repeat(32));
        List<TemplateKey> others = List.of(
                new TemplateKey(otherContent, Optional.empty(), KEY.cmdline(), 32, 1, KEY.readyLine(), false, false,
                        KEY.kvmDevice()),
                new TemplateKey(KERNEL, Optional.of(KERNEL), KEY.cmdline(), 32, 1, KEY.readyLine(), false, false,
                        KEY.kvmDevice()),
                new TemplateKey(KERNEL, Optional.empty(), KEY.cmdline() + " x", 32, 1, KEY.readyLine(), false, false,
                        KEY.kvmDevice()),
                new TemplateKey(KERNEL, Optional.empty(), KEY.cmdline(), 48, 1, KEY.readyLine(), false, false,
                        KEY.kvmDevice()),
                new TemplateKey(KERNEL, Optional.empty(), KEY.cmdline(), 32, 2, KEY.readyLine(), false, false,
                        KEY.kvmDevice()),
                new TemplateKey(KERNEL, Optional.empty(), KEY.cmdline(), 32, 1, "other", false, false, KEY.kvmDevice()),
                new TemplateKey(KERNEL, Optional.empty(), KEY.cmdline(), 32, 1, KEY.readyLine(), true, false,
                        KEY.kvmDevice()),
                new TemplateKey(KERNEL, Optional.empty(), KEY.cmdline(), 32, 1, KEY.readyLine(), true, true,
                        KEY.kvmDevice()));
        List<String> names = new ArrayList<>(others.stream()
                .map(k -> cache.entry(k, HOST).path().getFileName().toString()).toList());
        names.add(cache.entry(KEY, "fedcba9876543210").path().getFileName().toString());
        names.add(SnapshotCache.sha256(SnapshotCache.keyText(KEY, HOST, 999)));

        assertThat(names).doesNotContain(name).doesNotHaveDuplicates();
        FileIdentity samecontentElsewhere = new FileIdentity(Path.of("/other/checkout/bzImage"), KERNEL.size(),
                KERNEL.sha256());
        assertThat(cache.entry(new TemplateKey(samecontentElsewhere, Optional.empty(), KEY.cmdline(), 32, 1,
                KEY.readyLine(), false, false, Path.of("/dev/other-kvm")), HOST).path().getFileName().toString())
                .as("the same content from another path, on another KVM device node of this host").isEqualTo(name);
    }

    @Test
    void anEntryWhoseFileOrRecordCannotBeUsedIsUnusableAndDeletedWhole() throws IOException {
        SnapshotCache cache = new SnapshotCache(dir);
        SnapshotCache.Entry entry = cache.entry(KEY, HOST);
        entry.save(writes("the snapshot"), RECORD);

        assertThatThrownBy(() -> entry.load(file -> {
            throw new SnapshotFileException(file, SnapshotFileException.Reason.CORRUPT, "bad checksum", null);
        })).isInstanceOfSatisfying(SnapshotCache.Unusable.class, e -> {
            assertThat(e.reason()).isEqualTo("CORRUPT");
            assertThat(e.file()).isEqualTo(entry.snapshotFile());
            assertThat(e.getMessage()).isEqualTo("snapshot file " + entry.snapshotFile() + ": bad checksum");
        });

        Files.delete(entry.snapshotFile());
        assertThatThrownBy(() -> entry.load(SnapshotCacheTest::read)).as("an entry without its file")
                .isInstanceOfSatisfying(SnapshotCache.Unusable.class, e -> assertThat(e.reason()).isEqualTo("MISSING"));

        Files.writeString(entry.path().resolve(SnapshotCache.RECORD), "format=1\n");
        assertThatThrownBy(() -> entry.load(SnapshotCacheTest::read))
                .isInstanceOfSatisfying(SnapshotCache.Unusable.class, e -> {
                    assertThat(e.reason()).isEqualTo("RECORD");
                    assertThat(e.getMessage()).isEqualTo("cache entry " + entry.path() + ": damaged "
                            + SnapshotCache.RECORD + ": no field 'bootedFor'");
                });

        entry.delete();

        assertThat(names()).isEmpty();
        assertThat(entry.load(SnapshotCacheTest::read)).isEmpty();
        assertThat(entry.save(writes("anew"), RECORD)).isTrue();
        assertThat(entry.load(SnapshotCacheTest::read).orElseThrow().snapshot()).isEqualTo("anew");
    }

    @Test
    void aSecondWriterOfOneEntryLeavesTheFirstOneAndNoTemporaryDirectory() throws IOException {
        SnapshotCache cache = new SnapshotCache(dir);
        SnapshotCache.Entry entry = cache.entry(KEY, HOST);
        assertThat(entry.save(writes("first"), RECORD)).isTrue();

        assertThat(entry.save(writes("second"), RECORD)).isFalse();

        assertThat(names()).containsExactly(entry.path().getFileName().toString());
        assertThat(entry.load(SnapshotCacheTest::read).orElseThrow().snapshot()).isEqualTo("first");
    }

    @Test
    void aWriterThatFailsLeavesNothing() throws IOException {
        SnapshotCache.Entry entry = new SnapshotCache(dir).entry(KEY, HOST);

        assertThatThrownBy(() -> entry.save(file -> {
            throw new SnapshotFileException(file, SnapshotFileException.Reason.IO, "disk full", null);
        }, RECORD)).isInstanceOf(IOException.class).hasMessageEndingWith(": disk full");

        assertThat(names()).isEmpty();
        assertThat(entry.load(SnapshotCacheTest::read)).isEmpty();
    }

    @Test
    void pruningDeletesEntriesUnusedForFourteenDaysThenTheLeastRecentlyUsedBeyondSixteenAndDeadWritersLeftovers()
            throws IOException {
        SnapshotCache cache = new SnapshotCache(dir);
        Instant now = Instant.now();
        List<Path> entries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            SnapshotCache.Entry entry = cache.entry(KEY, String.format("%016x", i));
            entry.save(writes("snapshot " + i), RECORD);
            Files.writeString(entry.lockFile(), "");
            // Entry i was last used i hours ago; entries 18 and 19, fifteen days ago.
            Duration age = i < 18 ? Duration.ofHours(i) : Duration.ofDays(15);
            Files.setLastModifiedTime(entry.path(), FileTime.from(now.minus(age)));
            entries.add(entry.path());
        }
        Path deadWriter = Files.createDirectory(dir.resolve(".tmp-t-0123-dead"));
        Files.writeString(deadWriter.resolve(SnapshotCache.SNAPSHOT), "half");
        Files.setLastModifiedTime(deadWriter, FileTime.from(now.minus(Duration.ofHours(25))));
        Path liveWriter = Files.createDirectory(dir.resolve(".tmp-t-4567-writing"));

        List<Path> deleted = cache.prune(now);

        assertThat(deleted).as("15 days unused: 18 and 19; then beyond the 16 most recent: 16 and 17")
                .containsExactlyInAnyOrder(entries.get(16), entries.get(17), entries.get(18), entries.get(19));
        assertThat(entries.subList(0, 16)).allMatch(Files::isDirectory);
        assertThat(deleted).noneMatch(Files::exists)
                .noneMatch(p -> Files.exists(p.resolveSibling(p.getFileName() + ".lock")));
        assertThat(deadWriter).doesNotExist();
        assertThat(liveWriter).as("a writer of less than a day may still be writing").isDirectory();
        assertThat(names()).filteredOn(n -> n.startsWith(".del-")).isEmpty();
        assertThat(SnapshotCache.MAX_ENTRIES).isEqualTo(16);
        assertThat(SnapshotCache.UNUSED_LIMIT).isEqualTo(Duration.ofDays(14));
    }

    @Test
    void theLockOfAnEntryIsHeldByOneLauncherRunAtATimeAndAWaitIsBounded() throws Exception {
        Path lockFile = new SnapshotCache(dir).entry(KEY, HOST).lockFile();
        EntryLock held = EntryLock.acquire(lockFile, Duration.ZERO).orElseThrow();
        try {
            long started = System.nanoTime();
            // Another launcher run in this JVM, like another JVM, finds it held.
            assertThat(EntryLock.acquire(lockFile, Duration.ofMillis(300))).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(300),
                    Duration.ofSeconds(10));
        } finally {
            held.close();
        }
        try (EntryLock again = EntryLock.acquire(lockFile, Duration.ZERO).orElseThrow()) {
            assertThat(again).isNotNull();
        }
        assertThat(Files.readAllBytes(lockFile)).as("never written").isEmpty();
    }

    @Test
    void anotherJvmHoldingTheLockKeepsItFromThisOneUntilItLetsGo() throws Exception {
        Path lockFile = new SnapshotCache(dir).entry(KEY, HOST).lockFile();
        Files.createDirectories(lockFile.getParent());
        Path out = dir.resolve("out.txt");
        Path release = dir.resolve("release");
        String classPath = String.join(File.pathSeparator, Path.of("target", "test-classes").toString(),
                System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""));
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classPath, EntryLockJvm.class.getName(),
                lockFile.toString(), release.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            awaitLine(out, "held", other);

            assertThat(EntryLock.acquire(lockFile, Duration.ofMillis(500))).as("held by the other JVM").isEmpty();

            Files.createFile(release);
            EntryLock.acquire(lockFile, Duration.ofSeconds(30)).orElseThrow().close();
            assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(other.exitValue()).isZero();
            assertThat(Files.readAllLines(out)).containsExactly("held", "released");
        } finally {
            other.destroyForcibly();
            other.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Waits, at most 30 s, for the child JVM to print {@code line} to its output file. */
    private static void awaitLine(Path out, String line, Process process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.readAllLines(out).contains(line)) {
            assertThat(process.isAlive()).as("the child JVM runs; its output: %s", Files.readString(out)).isTrue();
            assertThat(System.nanoTime()).as("'%s' within 30 s", line).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
