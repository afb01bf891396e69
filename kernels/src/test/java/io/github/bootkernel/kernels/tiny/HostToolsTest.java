package io.github.bootkernel.kernels.tiny;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.internal.Apt;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostToolsTest {

    @Test
    void namesThePackagesOfMissingProgramsAndHeadersOnce() {
        Set<String> programs = Set.of("make", "gcc", "bc", "tar", "xz", "nice");
        Set<Path> files = Set.of(Path.of("/usr/include/stdio.h"));

        assertThat(HostTools.missingPackages(programs::contains, files::contains))
                .containsExactly("flex", "bison", "libelf-dev");
        assertThat(HostTools.missingPackages(p -> true, f -> true)).isEmpty();
        assertThat(HostTools.missingPackages(p -> false, f -> false)).containsExactly("make", "gcc", "libc6-dev",
                "flex", "bison", "bc", "libelf-dev", "tar", "xz-utils", "coreutils");
    }

    @Test
    void messageNamesThePackagesAndTheExactCommand() {
        String message = HostTools.missingMessage("tiny", List.of("flex", "bison", "libelf-dev"));

        assertThat(message).startsWith("tiny: building the kernel needs the Debian packages flex, bison, libelf-dev,"
                + " which are not installed. Install them with:\n"
                + "  sudo apt-get install -y --no-install-recommends flex bison libelf-dev\n");
        assertThat(Apt.installCommand(List.of("flex"))).containsExactly("apt-get", "install", "-y",
                "--no-install-recommends", "flex");
    }

    @Test
    void findsProgramsOnThePath() {
        assertThat(HostTools.onPath("sh")).isTrue();
        assertThat(HostTools.onPath("no-such-program-bootkernel")).isFalse();
    }
}
