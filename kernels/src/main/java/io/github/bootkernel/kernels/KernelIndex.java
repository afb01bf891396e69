package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.internal.AtomicFiles;
import io.github.bootkernel.kernels.internal.ItemLock;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The index of prepared images, {@code ~/.cache/bootkernel/index.properties}: for each id, its
 * file, version and origin ({@code <id>.file}, {@code <id>.version}, {@code <id>.origin}).
 * {@link Prepare} writes an entry per item it prepares; the JUnit extension reads it to resolve
 * ids the {@link Catalog} does not know, so entries added here (by hand or by a script) become
 * usable as {@code @BootKernel(kernel = "<id>")}. Changes are made under a lock
 * ({@code index.properties.lock}) and written atomically, so parallel writers lose no entry.
 */
public final class KernelIndex {

    private KernelIndex() {
    }

    /** @return the index file's path (it may not exist yet) */
    public static Path file() {
        return Cache.root().resolve("index.properties");
    }

    /**
     * Adds or replaces an entry.
     *
     * @param item a prepared file
     */
    @SuppressWarnings("try") // the lock is held for the try block, not used in it
    static void record(CachedFile item) {
        Path target = file();
        // Read, change and write under the index's lock, so no process's entry is lost.
        try (ItemLock lock = ItemLock.acquire(target, line -> { })) {
            Properties index = load();
            index.setProperty(item.id() + ".file", item.path().toAbsolutePath().toString());
            index.setProperty(item.id() + ".version", item.version());
            index.setProperty(item.id() + ".origin", item.origin());
            AtomicFiles.write(target, temporary -> {
                try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                    index.store(out, "bootkernel images by id: <id>.file, <id>.version, <id>.origin");
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /**
     * Looks an id up.
     *
     * @param id the image id
     * @return the entry, if the index has one whose file exists
     */
    public static Optional<CachedFile> lookup(String id) {
        Properties index = load();
        String file = index.getProperty(id + ".file");
        if (file == null || !Files.isRegularFile(Path.of(file))) {
            return Optional.empty();
        }
        return Optional.of(new CachedFile(id, Path.of(file), index.getProperty(id + ".version", ""),
                index.getProperty(id + ".origin", "listed in " + file())));
    }

    /** @return the ids the index lists, sorted */
    static TreeSet<String> ids() {
        TreeSet<String> ids = new TreeSet<>();
        for (String key : load().stringPropertyNames()) {
            if (key.endsWith(".file")) {
                ids.add(key.substring(0, key.length() - ".file".length()));
            }
        }
        return ids;
    }

    private static Properties load() {
        Properties index = new Properties();
        Path path = file();
        if (Files.isRegularFile(path)) {
            try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                index.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        }
        return index;
    }
}
