package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.kernels.internal.CacheEntries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs against a private cache root ({@code bootkernel.cache}) filled with fake entries, so it shows
 * that lookups use the cache alone: a real apt lookup would have found another version.
 */
class CacheLookupTest {

    @TempDir
    Path cacheRoot;

    private String previous;

    @BeforeEach
    void useTemporaryCache() {
        previous = System.getProperty("bootkernel.cache");
        System.setProperty("bootkernel.cache", cacheRoot.toString());
    }

    @AfterEach
    void restoreCache() {
        if (previous == null) {
            System.clearProperty("bootkernel.cache");
        } else {
            System.setProperty("bootkernel.cache", previous);
        }
    }

    private Path fakeKernel() throws IOException {
        byte[] fakeKernel = new byte[0x400];
        System.arraycopy("HdrS".getBytes(StandardCharsets.US_ASCII), 0, fakeKernel, 0x202, 4);
        fakeKernel[0x1fe] = 0x55;
        fakeKernel[0x1ff] = (byte) 0xaa;
        return Files.write(cacheRoot.resolve("fake-vmlinuz"), fakeKernel);
    }

    @Test
    void cloudKernelComesFromTheCacheAloneAndNewestWinsWithoutACurrentPointer() throws Exception {
        Path source = fakeKernel();
        CacheEntries entries = new CacheEntries("debian-cloud");
        entries.store("0.0.1-1", source, "vmlinuz", Map.of("fetched", "2020-01-01T00:00:00Z",
                "source", "test", "package", "linux-image-test"));
        entries.store("0.0.2-1", source, "vmlinuz", Map.of("fetched", "2021-01-01T00:00:00Z",
                "source", "test", "package", "linux-image-test"));

        CachedFile kernel = Catalog.DEBIAN_CLOUD.get();

        assertThat(kernel.version()).isEqualTo("0.0.2-1");
        assertThat(kernel.path()).isEqualTo(cacheRoot.resolve("debian-cloud/0.0.2-1/vmlinuz"));
        assertThat(kernel.origin()).startsWith("test: linux-image-test 0.0.2-1");
        assertThat(cacheRoot.resolve("debian-cloud/current")).hasContent("0.0.2-1");
    }

    @Test
    void aDebianKernelsConfigurationIsKeptBesideIt() throws Exception {
        Path config = Files.writeString(cacheRoot.resolve("config-6.1.0-53-cloud-amd64"),
                KernelConfigTest.DEBIAN_CLOUD_6_1);
        new CacheEntries("debian-cloud").store("6.1.187-1", fakeKernel(), "vmlinuz", Map.of("source", "test",
                "package", "linux-image-6.1.0-53-cloud-amd64", "pathInPackage", "boot/vmlinuz-6.1.0-53-cloud-amd64"),
                Map.of("config", config));
        List<String> progress = new ArrayList<>();

        KernelConfig kept = Catalog.DEBIAN_CLOUD.config(progress::add).orElseThrow();

        assertThat(kept.source()).isEqualTo(cacheRoot.resolve("debian-cloud/6.1.187-1/config").toString());
        assertThat(kept.number("SERIAL_8250_RUNTIME_UARTS")).isEqualTo(OptionalLong.of(4));
        assertThat(KernelConfig.beside(Catalog.DEBIAN_CLOUD.get().path())).as("found beside the file too")
                .map(KernelConfig::source).contains(kept.source());
        assertThat(progress).isEmpty();
    }

    /**
     * An entry cached before kernels kept their configuration gets it from its package, downloaded
     * again; when apt cannot (here: no such package; elsewhere: no network), the error says why and
     * what to do, and the kernel itself stays usable.
     */
    @Test
    void anEntryCachedWithoutItsConfigurationIsCompletedOrSaysWhyNot() throws Exception {
        new CacheEntries("debian-generic").store("0.0.1-1", fakeKernel(), "vmlinuz", Map.of("source", "test",
                "package", "bootkernel-no-such-package", "pathInPackage", "boot/vmlinuz-0.0.1-test"));
        List<String> progress = new ArrayList<>();

        assertThatThrownBy(() -> Catalog.DEBIAN_GENERIC.config(progress::add))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("Debian generic kernel: the cache entry " + cacheRoot.resolve("debian-generic/0.0.1-1")
                        + " has no kernel configuration (it was cached before bootkernel kept one), and fetching it"
                        + " failed: ")
                .hasMessageContaining("Run io.github.bootkernel.kernels.Prepare once with network access to add it.");
        assertThat(progress).singleElement().asString().contains("fetching bootkernel-no-such-package 0.0.1-1 again"
                + " for its boot/config-*");
        assertThat(Catalog.DEBIAN_GENERIC.get().path()).exists();
        assertThat(cacheRoot.resolve("debian-generic/0.0.1-1/config")).doesNotExist();
    }

    @Test
    void itemsThatAreNotKernelsHaveNoConfigurationAndAreNotFetchedForIt() {
        assertThat(Catalog.BUSYBOX_STATIC.config(line -> { })).isEmpty();
        assertThat(cacheRoot.resolve("busybox-static")).doesNotExist();
    }
}
