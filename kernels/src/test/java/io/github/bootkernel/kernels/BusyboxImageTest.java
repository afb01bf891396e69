package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.internal.AtomicFiles;
import io.github.bootkernel.kernels.internal.ItemStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code busybox-initramfs} recipe's lookups, in a cache of their own (the busybox and the
 * helpers come from the machine's cache): a {@link PackMemo} spares a lookup the packing only when
 * the files and the packing jar are the ones it was written for.
 */
class BusyboxImageTest {

    private static final String ID = "busybox-initramfs";

    @TempDir
    Path cache;

    private CachedFile lookUp(BusyboxImage recipe) {
        return ItemStore.resolve(cache, ID, recipe, line -> { }, false);
    }

    @Test
    void aLookupWithTheSameFilesAndJarFindsTheEntryWithoutPacking() throws IOException {
        Path jar = Files.writeString(cache.resolve("kernels.jar"), "stands for the packing code");
        BusyboxImage recipe = new BusyboxImage(() -> Optional.of(jar));
        CachedFile first = lookUp(recipe);
        int packs = recipe.packs();

        CachedFile again = lookUp(recipe);

        assertThat(recipe.packs()).as("packs of the second lookup").isEqualTo(packs);
        assertThat(again).isEqualTo(first);
        assertThat(Files.readAllBytes(first.path())).as("the catalog's image, packed here")
                .isEqualTo(Files.readAllBytes(Catalog.BUSYBOX_INITRAMFS.get().path()));
        assertThat(first.version()).isEqualTo(Catalog.BUSYBOX_INITRAMFS.get().version());
    }

    @Test
    void anotherJarPacksAgainAndFindsTheSameEntry() throws IOException {
        Path jar = Files.writeString(cache.resolve("kernels.jar"), "stands for the packing code");
        BusyboxImage recipe = new BusyboxImage(() -> Optional.of(jar));
        CachedFile first = lookUp(recipe);
        int packs = recipe.packs();
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 1000));

        CachedFile rebuilt = lookUp(recipe);
        int packsThen = recipe.packs();
        CachedFile again = lookUp(recipe);

        assertThat(packsThen).as("a new jar packs").isEqualTo(packs + 1);
        assertThat(rebuilt).isEqualTo(first);
        assertThat(recipe.packs()).as("and is remembered in turn").isEqualTo(packsThen);
        assertThat(again).isEqualTo(first);
    }

    @Test
    void withoutAJarEveryLookupPacks() {
        BusyboxImage recipe = new BusyboxImage(Optional::empty);
        CachedFile first = lookUp(recipe);
        int packs = recipe.packs();

        CachedFile again = lookUp(recipe);

        assertThat(recipe.packs()).isEqualTo(packs + 1);
        assertThat(again).isEqualTo(first);
        assertThat(cache.resolve(ID).resolve(PackMemo.DIR)).doesNotExist();
    }

    @Test
    void aMemoWhoseEntryIsGoneIsIgnoredAndTheImageStoredAgain() throws IOException {
        Path jar = Files.writeString(cache.resolve("kernels.jar"), "stands for the packing code");
        BusyboxImage recipe = new BusyboxImage(() -> Optional.of(jar));
        CachedFile first = lookUp(recipe);
        AtomicFiles.deleteTree(first.path().getParent());

        CachedFile again = lookUp(recipe);

        assertThat(again).isEqualTo(first);
        assertThat(again.path()).exists();
        assertThat(Files.readAllBytes(again.path())).isEqualTo(Files.readAllBytes(Catalog.BUSYBOX_INITRAMFS.get().path()));
    }
}
