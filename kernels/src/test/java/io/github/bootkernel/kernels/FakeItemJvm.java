package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.internal.AtomicFiles;
import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.ItemLock;
import io.github.bootkernel.kernels.internal.ItemStore;
import io.github.bootkernel.kernels.internal.Recipe;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The program each JVM of {@link CacheSharedBetweenJvmsTest} runs: it fills the cheap, slow
 * {@code fake} item of a given cache directory, records it in the index and in {@code latest/},
 * and checks the file it got, again and again. {@code hold} instead takes the item's lock, leaves
 * temporary files behind as a killed producer would, says so and waits to be killed.
 *
 * <p>Usage: {@code FakeItemJvm fill CACHE NAME ROUNDS} or {@code FakeItemJvm hold CACHE}.
 */
final class FakeItemJvm {

    /** The item's id in the test cache. */
    static final String ID = "fake";

    /** The item's version, as apt would name it. */
    static final String VERSION = "1.0";

    /** The content every JVM must get: 1 MiB, written slowly to widen every race. */
    static final byte[] CONTENT = content();

    private FakeItemJvm() {
    }

    /**
     * Runs one JVM's part.
     *
     * @param args {@code fill CACHE NAME ROUNDS} or {@code hold CACHE}
     * @throws Exception on any failure, which ends the JVM with a non-zero status
     */
    public static void main(String[] args) throws Exception {
        Path cache = Path.of(args[1]);
        System.setProperty("bootkernel.cache", cache.toString());
        if (args[0].equals("hold")) {
            hold(cache);
            return;
        }
        String name = args[2];
        int rounds = Integer.parseInt(args[3]);
        awaitStart(cache);
        for (int round = 0; round < rounds; round++) {
            // refresh=true in odd rounds: produce() under the lock even though the item is cached
            CachedFile file = ItemStore.resolve(cache, ID, new Slow(), line -> { }, round % 2 == 1);
            check(file);
            KernelIndex.record(new CachedFile(name + "-" + round, file.path(), file.version(), "round " + round));
            LatestLinks.update(file);
            LatestLinks.update(new CachedFile(name, file.path(), file.version(), file.origin()));
            System.out.println("got " + file.path());
        }
    }

    private static void check(CachedFile file) throws IOException {
        byte[] got = Files.readAllBytes(file.path());
        if (!Arrays.equals(got, CONTENT)) {
            throw new AssertionError(file.path() + " has " + got.length + " bytes, not the expected content");
        }
    }

    /** Waits for the test to create {@code go}, so every JVM starts filling at once. */
    private static void awaitStart(Path cache) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(cache.resolve("go"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no go within 60 s");
            }
            Thread.sleep(5);
        }
    }

    @SuppressWarnings("try") // the lock is held while this JVM waits to be killed
    private static void hold(Path cache) throws Exception {
        CacheEntries entries = new CacheEntries(cache, ID);
        try (ItemLock lock = entries.lock()) {
            Path half = entries.root().resolve(VERSION);
            Files.createDirectories(half);
            Files.write(half.resolve(".fake.bin.0123456789abcdef.tmp"), Arrays.copyOf(CONTENT, 1000));
            Files.createDirectories(entries.root().resolve(".staging-killed"));
            Files.write(entries.root().resolve(".current.0123456789abcdef.tmp"), new byte[] {1});
            System.out.println("holding");
            Thread.sleep(600_000);
        }
    }

    private static byte[] content() {
        byte[] bytes = new byte[1 << 20];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 8));
        }
        return bytes;
    }

    /** A fake Debian-like item: a version named from outside, a slow fetch, a {@code current} pointer. */
    static final class Slow implements Recipe {

        @Override
        public Optional<CacheEntries.Entry> cached(CacheEntries entries) {
            return entries.current();
        }

        @Override
        public CacheEntries.Entry produce(CacheEntries entries, Consumer<String> progress, boolean refresh) {
            Optional<CacheEntries.Entry> cached = entries.at(VERSION);
            if (cached.isPresent()) {
                return cached.get();
            }
            Path download = null;
            try {
                download = Files.createTempFile("bootkernel-fake-", ".bin");
                try (OutputStream out = Files.newOutputStream(download)) {
                    for (int at = 0; at < CONTENT.length; at += CONTENT.length / 8) {
                        out.write(CONTENT, at, CONTENT.length / 8);
                        Thread.sleep(25);
                    }
                }
                return entries.store(VERSION, download, "fake.bin", Map.of("source", "fake"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                if (download != null) {
                    AtomicFiles.deleteTree(download);
                }
            }
        }

        @Override
        public String origin(CacheEntries.Entry entry) {
            return "fake, sha256 " + entry.get("sha256");
        }
    }
}
