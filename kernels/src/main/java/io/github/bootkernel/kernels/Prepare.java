package io.github.bootkernel.kernels;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Fills the local cache with the items of the {@link Catalog} and prints one line per item (id,
 * version, path, size, time taken). Items already cached are checked against their records and
 * not fetched again, so a second run needs neither network nor apt nor gcc.
 *
 * <p>The kernels module runs this during {@code process-classes}; skip it there with
 * {@code -Dbootkernel.skipPrepare=true}. From the command line:
 *
 * <pre>
 * java -cp kernels/target/classes io.github.bootkernel.kernels.Prepare [ITEM...]
 * </pre>
 *
 * <p>ITEM is an id or alias of the catalog; without items, every item the catalog marks
 * {@linkplain CatalogItem#preparedByDefault() prepared by default} is prepared (all but the probe;
 * the tiny kernels take minutes to build the first time, later runs find everything in the
 * cache). A kernel's configuration is kept beside it ({@link CatalogItem#config()}). Each
 * prepared item is also linked as {@code ~/.cache/bootkernel/latest/<id>} and listed
 * in {@link KernelIndex}.
 */
public final class Prepare {

    private Prepare() {
    }

    /**
     * Prepares the named items, or the default ones.
     *
     * @param args item ids; none means every item prepared by default
     * @throws FetchException if an item cannot be fetched or built
     * @throws IllegalArgumentException if an item id is unknown
     */
    public static void main(String[] args) {
        List<CatalogItem> items = args.length == 0
                ? Catalog.items().stream().filter(CatalogItem::preparedByDefault).toList()
                : List.of(args).stream().map(Catalog::item).toList();
        prepare(items, System.out);
    }

    /**
     * Prepares items and reports each on its own line.
     *
     * @param items the items
     * @param out where the report lines go
     * @return the prepared files, in the order given
     * @throws FetchException if an item cannot be fetched or built
     */
    static List<CachedFile> prepare(List<CatalogItem> items, PrintStream out) {
        out.println("bootkernel: preparing " + String.join(", ", items.stream().map(CatalogItem::id).toList())
                + " in " + Cache.root());
        return items.stream().map(item -> {
            long start = System.nanoTime();
            CachedFile file = item.get(out::println);
            item.config(out::println); // a kernel cached before configurations were kept gets its own now
            double seconds = (System.nanoTime() - start) / 1e9;
            LatestLinks.update(file);
            KernelIndex.record(file);
            out.println(String.format(Locale.ROOT, "bootkernel: %-17s %-24s %s  %s  %.2f s", file.id(),
                    file.version(), file.path(), size(file.path()), seconds));
            return file;
        }).toList();
    }

    private static String size(Path path) {
        try {
            return String.format(Locale.ROOT, "%.1f MiB", Files.size(path) / (1024.0 * 1024.0));
        } catch (IOException e) {
            return "? MiB";
        }
    }
}
