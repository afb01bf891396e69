package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.Recipe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

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
 * the image in memory (a few milliseconds, once per JVM) to know its hash.
 */
final class BusyboxImage implements Recipe {

    /** The name of the image inside its cache entry. */
    static final String IMAGE_NAME = "initramfs.cpio";

    /** The packed image and what it was packed from. */
    private record Packed(byte[] bytes, CachedFile busybox, CachedFile helper, CachedFile agent, String key) {
    }

    @Override
    public Optional<CacheEntries.Entry> cached(CacheEntries entries) {
        return entries.at(pack().key());
    }

    @Override
    public CacheEntries.Entry produce(CacheEntries entries, Consumer<String> progress, boolean refresh) {
        Packed packed = pack();
        Optional<CacheEntries.Entry> cached = entries.at(packed.key());
        if (cached.isPresent()) {
            return cached.get();
        }
        Map<String, String> record = new TreeMap<>();
        record.put("version", version(packed.busybox(), packed.helper(), packed.agent()));
        record.put("source", "busybox " + packed.busybox().version() + ", the exit-status helper "
                + packed.helper().version() + " and the agent " + packed.agent().version()
                + ", packed by BusyboxInitramfs");
        record.put("fetched", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            return entries.storeBuilt(packed.key(), IMAGE_NAME, record,
                    work -> Files.write(work.resolve(IMAGE_NAME), packed.bytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the busybox initramfs for " + entries.root(), e);
        }
    }

    @Override
    public boolean tracksCurrent() {
        return false;
    }

    private static Packed pack() {
        CachedFile busybox = Catalog.BUSYBOX_STATIC.get();
        CachedFile helper = Catalog.EXIT_STATUS.get();
        CachedFile agent = Catalog.AGENT.get();
        byte[] bytes = BusyboxInitramfs.create(busybox.path()).withExitStatusHelper(helper.path())
                .withAgent(agent.path()).build().toBytes();
        String key = CacheEntries.dirName(version(busybox, helper, agent) + "_"
                + CacheEntries.sha256(bytes).substring(0, 16));
        return new Packed(bytes, busybox, helper, agent, key);
    }

    private static String version(CachedFile busybox, CachedFile helper, CachedFile agent) {
        return busybox.version().replace(':', '_') + "+" + helper.version() + "+" + agent.version();
    }
}
