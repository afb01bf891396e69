package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.Recipe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How the catalog's {@code busybox-initramfs} item (alias {@code busybox}) is produced:
 * {@link BusyboxInitramfs} with the exit-status helper, the guest agent and the default
 * {@code /init} (the agent on ttyS1, then a shell on the console or the script named by
 * {@code bootkernel.script=}), packed from the cached busybox and helpers and stored as
 * {@code <cache>/busybox-initramfs/<busybox version>+<helper version>+<agent
 * version>_<hash>/initramfs.cpio}.
 *
 * <p>The image is deterministic, so the hash is taken over the packed bytes: a change to
 * {@code /init} or to the archive format gives a new entry rather than a stale one. A lookup packs
 * the image in memory to know its hash (a few milliseconds on a fast host, seconds in a fresh JVM
 * on a slow CPU), unless a {@link PackMemo} says where the same files, packed by the same jar, went.
 */
final class BusyboxImage implements Recipe {

    /** The name of the image inside its cache entry. */
    static final String IMAGE_NAME = "initramfs.cpio";

    /** What an image is packed from. */
    private record Inputs(CachedFile busybox, CachedFile helper, CachedFile agent) {

        List<Path> files() {
            return List.of(busybox.path(), helper.path(), agent.path());
        }
    }

    /** The packed image and the key of its entry. */
    private record Packed(byte[] bytes, String key) {
    }

    /**
     * The memo of packed images and the key of one lookup's inputs in it, taken before the inputs
     * are read, so a change made while they are packed gives the next lookup another key.
     */
    private record Memo(PackMemo memo, Optional<String> inputsKey) {

        Optional<String> recall() {
            return inputsKey.flatMap(memo::recall);
        }

        void remember(String entryKey) {
            inputsKey.ifPresent(key -> memo.remember(key, entryKey, Instant.now()));
        }
    }

    private final Supplier<Optional<Path>> packingJar;
    private final AtomicInteger packs = new AtomicInteger();

    /** The catalog's recipe: the packing code is this class's jar ({@link PackMemo#jarOf}). */
    BusyboxImage() {
        this(() -> PackMemo.jarOf(BusyboxImage.class));
    }

    /**
     * A recipe whose packing code is identified by another jar, for tests.
     *
     * @param packingJar the jar that stands for the packing code, or empty for no memo
     */
    BusyboxImage(Supplier<Optional<Path>> packingJar) {
        this.packingJar = packingJar;
    }

    /** How many times this recipe packed the image, for tests. */
    int packs() {
        return packs.get();
    }

    @Override
    public Optional<CacheEntries.Entry> cached(CacheEntries entries) {
        Inputs inputs = inputs();
        Memo memo = memo(entries, inputs);
        Optional<CacheEntries.Entry> remembered = memo.recall().flatMap(entries::at);
        if (remembered.isPresent()) {
            return remembered;
        }
        Packed packed = pack(inputs);
        Optional<CacheEntries.Entry> cached = entries.at(packed.key());
        cached.ifPresent(entry -> memo.remember(packed.key()));
        return cached;
    }

    @Override
    public CacheEntries.Entry produce(CacheEntries entries, Consumer<String> progress, boolean refresh) {
        Inputs inputs = inputs();
        Memo memo = memo(entries, inputs);
        Packed packed = pack(inputs);
        Optional<CacheEntries.Entry> cached = entries.at(packed.key());
        if (cached.isPresent()) {
            memo.remember(packed.key());
            return cached.get();
        }
        Map<String, String> record = new TreeMap<>();
        record.put("version", version(inputs));
        record.put("source", "busybox " + inputs.busybox().version() + ", the exit-status helper "
                + inputs.helper().version() + " and the agent " + inputs.agent().version()
                + ", packed by BusyboxInitramfs");
        record.put("fetched", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            CacheEntries.Entry stored = entries.storeBuilt(packed.key(), IMAGE_NAME, record,
                    work -> Files.write(work.resolve(IMAGE_NAME), packed.bytes()));
            memo.remember(packed.key());
            return stored;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the busybox initramfs for " + entries.root(), e);
        }
    }

    @Override
    public boolean tracksCurrent() {
        return false;
    }

    private Memo memo(CacheEntries entries, Inputs inputs) {
        return new Memo(new PackMemo(entries.root().resolve(PackMemo.DIR)),
                PackMemo.key(inputs.files(), new byte[0], packingJar.get()));
    }

    private static Inputs inputs() {
        return new Inputs(Catalog.BUSYBOX_STATIC.get(), Catalog.EXIT_STATUS.get(), Catalog.AGENT.get());
    }

    private Packed pack(Inputs inputs) {
        packs.incrementAndGet();
        byte[] bytes = BusyboxInitramfs.create(inputs.busybox().path()).withExitStatusHelper(inputs.helper().path())
                .withAgent(inputs.agent().path()).build().toBytes();
        String key = CacheEntries.dirName(version(inputs) + "_" + CacheEntries.sha256(bytes).substring(0, 16));
        return new Packed(bytes, key);
    }

    private static String version(Inputs inputs) {
        return inputs.busybox().version().replace(':', '_') + "+" + inputs.helper().version() + "+"
                + inputs.agent().version();
    }
}
