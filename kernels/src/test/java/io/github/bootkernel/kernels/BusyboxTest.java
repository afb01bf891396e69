package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.kernels.internal.FileChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BusyboxTest {

    @Test
    void staticBusyboxIsCachedAndStaticallyLinked() {
        CachedFile busybox = Catalog.BUSYBOX_STATIC.get();

        assertThat(busybox.id()).isEqualTo("busybox-static");
        assertThat(busybox.path()).isExecutable().hasFileName("busybox");
        assertThat(busybox.path().getParent().getParent()).isEqualTo(Cache.root().resolve("busybox-static"));
        assertThat(busybox.version()).contains("1.");
        assertThat(busybox.origin()).startsWith("Debian archive via apt-get download: busybox-static ");
        assertThat(FileChecks.staticElfProblem(busybox.path())).isNull();
    }

    @Test
    void staticElfCheckRejectsDynamicExecutablesAndNonElfFiles() throws Exception {
        Path dynamic = Path.of("/bin/ls");
        assertThat(FileChecks.staticElfProblem(dynamic)).contains("dynamically linked");
        assertThatThrownBy(() -> FileChecks.requireStaticElf(dynamic, "test binary"))
                .isInstanceOf(FetchException.class).hasMessageContaining("test binary /bin/ls");

        Path text = Files.createTempFile("not-elf", "");
        try {
            Files.writeString(text, "#!/bin/sh\n".repeat(10));
            assertThat(FileChecks.staticElfProblem(text)).isEqualTo("no ELF magic");
        } finally {
            Files.delete(text);
        }
    }
}
