package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.initramfs.BusyboxImage;
import io.github.bootkernel.kernels.tiny.TinyKernels;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Fills the local cache with everything the tests boot: Debian's cloud kernel, the static busybox
 * and the exit-status helper, and prints one line per item (id, version, path, size, time taken).
 * Items already cached are checked against their records and not fetched again, so a second run
 * needs neither network nor apt nor gcc.
 *
 * <p>The kernels module runs this during {@code process-classes}; skip it there with
 * {@code -Dbootkernel.skipPrepare=true}. From the command line:
 *
 * <pre>
 * java -cp kernels/target/classes io.github.bootkernel.kernels.Prepare [ITEM...]
 * </pre>
 *
 * <p>ITEM is one of {@code debian-cloud}, {@code debian-generic}, {@code busybox-static},
 * {@code exit-status}, {@code busybox-initramfs}, {@code tiny}, {@code tiny-kunit}; without items,
 * all of them are prepared (the tiny kernels take minutes to build the first time, see
 * {@link TinyKernels}; later runs find everything in the cache). Each prepared item is also linked
 * as {@code ~/.cache/bootkernel/latest/<id>} and listed in {@link KernelIndex}.
 */
public final class Prepare {

    private static final Map<String, Supplier<CachedFile>> ITEMS = new LinkedHashMap<>();

    static {
        ITEMS.put("debian-cloud", () -> asFile(DebianKernels.cloud()));
        ITEMS.put("busybox-static", Busybox::staticBinary);
        ITEMS.put("exit-status", ExitStatusHelper::binary);
        ITEMS.put("debian-generic", () -> asFile(DebianKernels.generic()));
        ITEMS.put(BusyboxImage.ID, BusyboxImage::file);
        ITEMS.put(TinyKernels.TINY, () -> asFile(TinyKernels.tiny()));
        ITEMS.put(TinyKernels.KUNIT, () -> asFile(TinyKernels.kunit()));
    }

    /** The items prepared when none are named. */
    static final List<String> DEFAULT_ITEMS = List.of("debian-cloud", "debian-generic", "busybox-static",
            "exit-status", BusyboxImage.ID, TinyKernels.TINY, TinyKernels.KUNIT);

    private Prepare() {
    }

    /**
     * Prepares the named items, or the default ones.
     *
     * @param args item ids; none means {@code debian-cloud busybox-static exit-status}
     * @throws FetchException if an item cannot be fetched or built
     * @throws IllegalArgumentException if an item id is unknown
     */
    public static void main(String[] args) {
        prepare(args.length == 0 ? DEFAULT_ITEMS : List.of(args), System.out);
    }

    /**
     * Prepares items and reports each on its own line.
     *
     * @param items the item ids
     * @param out where the report lines go
     * @return the prepared files, in the order given
     * @throws FetchException if an item cannot be fetched or built
     * @throws IllegalArgumentException if an item id is unknown
     */
    public static List<CachedFile> prepare(List<String> items, PrintStream out) {
        for (String item : items) {
            if (!ITEMS.containsKey(item)) {
                throw new IllegalArgumentException("unknown item '" + item + "'; known: " + ITEMS.keySet());
            }
        }
        out.println("bootkernel: preparing " + String.join(", ", items) + " in " + Cache.root());
        return items.stream().map(item -> {
            long start = System.nanoTime();
            CachedFile file = ITEMS.get(item).get();
            double seconds = (System.nanoTime() - start) / 1e9;
            LatestLinks.update(file);
            KernelIndex.record(file);
            out.println(String.format(Locale.ROOT, "bootkernel: %-17s %-24s %s  %s  %.2f s", file.id(),
                    file.version(), file.path(), size(file.path()), seconds));
            return file;
        }).toList();
    }

    private static CachedFile asFile(KernelImage kernel) {
        return new CachedFile(kernel.id(), kernel.path(), kernel.version(), kernel.origin());
    }

    private static String size(Path path) {
        try {
            return String.format(Locale.ROOT, "%.1f MiB", Files.size(path) / (1024.0 * 1024.0));
        } catch (IOException e) {
            return "? MiB";
        }
    }
}
