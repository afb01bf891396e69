package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.kernels.StoredImages;
import io.github.bootkernel.kernels.initramfs.HostPath;
import io.github.bootkernel.kernels.initramfs.Initramfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which initrd the tool boots, with a given {@code --initrd} (the busybox default is the ITs'). */
class InitrdTest {

    @TempDir
    Path dir;

    private static Options parse(String... args) throws Options.UsageException {
        return Options.parse(List.of(args));
    }

    @Test
    void noInitrdAndNothingThatNeedsOneBootsNone() throws Exception {
        assertThat(Initrd.of(parse("--kernel", "k"), System.err)).isEmpty();
    }

    @Test
    void aGivenInitrdIsBootedAsItIs() throws Exception {
        Path kernelLogInitrd = Files.write(dir.resolve("kmsg-initrd"), new byte[] {4});
        assertThat(Initrd.of(parse("--kernel", "k", "--initrd", kernelLogInitrd.toString(), "--kernel-log", "k.log"),
                System.err)).as("its /init is to start the agent").contains(kernelLogInitrd);
        Path initrd = Files.write(dir.resolve("initrd"), new byte[] {1, 2, 3});
        assertThat(Initrd.of(parse("--kernel", "k", "--initrd", initrd.toString()), System.err)).contains(initrd);
        assertThat(Initrd.of(parse("--kernel", "k", "--initrd", initrd.toString(), "--exec", "true"), System.err))
                .contains(initrd);
    }

    @Test
    void putFilesAreAppendedToTheGivenInitrd() throws Exception {
        Path initrd = Files.write(dir.resolve("initrd"), new byte[] {1, 2, 3});
        Path tool = Files.writeString(dir.resolve("tool"), "#!/bin/sh\necho tool\n");
        Files.setAttribute(tool, "unix:mode", 0755);

        Path booted = Initrd.of(parse("--kernel", "k", "--initrd", initrd.toString(), "--put", tool + ":/bin/tool"),
                System.err).orElseThrow();

        Initramfs added = Initramfs.create();
        HostPath.parse(tool + ":/bin/tool").addTo(added);
        assertThat(Files.readAllBytes(booted)).isEqualTo(StoredImages.concat(new byte[] {1, 2, 3}, added.toBytes()));
    }

    @Test
    void aMissingPutFileIsNamed() throws Exception {
        Path initrd = Files.write(dir.resolve("initrd"), new byte[] {1});
        Options options = parse("--kernel", "k", "--initrd", initrd.toString(), "--put", "no-such:/x");
        assertThatThrownBy(() -> Initrd.of(options, System.err)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--put: no such file or directory: no-such (for no-such:/x)");
    }
}
