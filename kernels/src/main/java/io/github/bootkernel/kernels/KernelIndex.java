package io.github.bootkernel.kernels;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The index of prepared images, {@code ~/.cache/bootkernel/index.properties}: for each id, its
 * file, version and origin ({@code <id>.file}, {@code <id>.version}, {@code <id>.origin}).
 * {@link Prepare} writes an entry per item it prepares; the JUnit extension reads it to resolve
 * ids it has no built-in knowledge of, so entries added here (by hand or by a script) become
 * usable as {@code @BootKernel(kernel = "<id>")}.
 */
public final class KernelIndex {

    private static final Object LOCK = new Object();

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
    public static void record(CachedFile item) {
        synchronized (LOCK) {
            Properties index = load();
            index.setProperty(item.id() + ".file", item.path().toAbsolutePath().toString());
            index.setProperty(item.id() + ".version", item.version());
            index.setProperty(item.id() + ".origin", item.origin());
            Path target = file();
            try {
                Path temp = Files.createTempFile(target.getParent(), "index", ".tmp");
                try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                    index.store(out, "bootkernel images by id: <id>.file, <id>.version, <id>.origin");
                }
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target, e);
            }
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
    public static TreeSet<String> ids() {
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
