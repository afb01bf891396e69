package io.github.bootkernel.kernels.initramfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.CachedFile;
import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.initramfs.NewcReader.Member;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The catalog's {@code busybox-initramfs}, what the extension's {@code busybox} id boots. */
class CatalogImageTest {

    @Test
    void holdsBusyboxTheExitStatusHelperAndTheAgentStartedByInit() throws Exception {
        CachedFile image = Catalog.BUSYBOX_INITRAMFS.get();
        List<Member> members = NewcReader.read(Files.readAllBytes(image.path()));

        assertThat(data(members, "bin/exit-status")).isEqualTo(Files.readAllBytes(Catalog.EXIT_STATUS.get().path()));
        assertThat(data(members, "bin/bootkernel-agent")).isEqualTo(Files.readAllBytes(Catalog.AGENT.get().path()));
        assertThat(new String(data(members, "init"))).contains("/bin/bootkernel-agent /dev/ttyS1", "setsid cttyhack sh");
        assertThat(image.version()).endsWith("+" + Catalog.EXIT_STATUS.get().version() + "+"
                + Catalog.AGENT.get().version());
    }

    private static byte[] data(List<Member> members, String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no member " + name)).data();
    }
}
