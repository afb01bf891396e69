package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.FileChecks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Needs the network (apt) the first time on a machine; afterwards uses the cache alone. */
class DebianKernelsTest {

    @Test
    void cloudKernelIsCachedWithItsRecordAndIsABzImage() throws Exception {
        CachedFile kernel = Catalog.DEBIAN_CLOUD.get();

        assertThat(kernel.id()).isEqualTo("debian-cloud");
        assertThat(kernel.path()).isRegularFile()
                .isEqualTo(Cache.root().resolve("debian-cloud").resolve(CacheEntries.dirName(kernel.version()))
                        .resolve("vmlinuz"));
        byte[] start = new byte[0x206];
        try (var in = Files.newInputStream(kernel.path())) {
            assertThat(in.readNBytes(start, 0, start.length)).isEqualTo(start.length);
        }
        assertThat(new String(start, 0x202, 4, StandardCharsets.US_ASCII)).isEqualTo("HdrS");
        assertThat(start[0x1fe] & 0xff).isEqualTo(0x55);
        assertThat(start[0x1ff] & 0xff).isEqualTo(0xaa);

        Properties record = new Properties();
        try (var reader = Files.newBufferedReader(kernel.path().resolveSibling("record.properties"))) {
            record.load(reader);
        }
        assertThat(record.getProperty("package")).matches("linux-image-[0-9.]+-[0-9]+-cloud-amd64(-unsigned)?");
        assertThat(record.getProperty("version")).isEqualTo(kernel.version());
        assertThat(record.getProperty("sha256")).isEqualTo(CacheEntries.sha256(kernel.path()));
        assertThat(record.getProperty("source")).isEqualTo("Debian archive via apt-get download");
        assertThat(record.getProperty("fetched")).isNotBlank();
        assertThat(record.getProperty("pathInPackage")).startsWith("boot/vmlinuz-");
        assertThat(kernel.origin()).startsWith("Debian archive via apt-get download: " + record.getProperty("package"))
                .contains(record.getProperty("sha256"));
        assertThat(Cache.root().resolve("debian-cloud/current")).hasContent(kernel.path().getParent()
                .getFileName().toString());
    }

    @Test
    void secondCallReusesTheCache() {
        CachedFile first = Catalog.DEBIAN_CLOUD.get();
        long start = System.nanoTime();
        CachedFile second = Catalog.DEBIAN_CLOUD.get();

        assertThat(second).isEqualTo(first);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
    }

    @Test
    void bzImageCheckRejectsOtherFiles() throws Exception {
        Path notKernel = Files.createTempFile("not-a-kernel", "");
        try {
            Files.write(notKernel, new byte[0x300]);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> FileChecks.requireBzImage(notKernel, "test kernel"))
                    .isInstanceOf(FetchException.class).hasMessageContaining("no HdrS magic at 0x202");
        } finally {
            Files.delete(notKernel);
        }
    }
}
