package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.internal.CacheEntries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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

    @Test
    void cloudKernelComesFromTheCacheAloneAndNewestWinsWithoutACurrentPointer() throws Exception {
        byte[] fakeKernel = new byte[0x400];
        System.arraycopy("HdrS".getBytes(StandardCharsets.US_ASCII), 0, fakeKernel, 0x202, 4);
        fakeKernel[0x1fe] = 0x55;
        fakeKernel[0x1ff] = (byte) 0xaa;
        Path source = Files.write(cacheRoot.resolve("fake-vmlinuz"), fakeKernel);
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
}
