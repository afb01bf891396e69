package io.github.bootkernel.kernels.tiny;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinuxSourceTest {

    @Test
    void readsTheInstalledVersionFromDpkgQuery() {
        assertThat(LinuxSource.installedVersion(0, "installed 6.1.192-2\n")).contains("6.1.192-2");
        assertThat(LinuxSource.installedVersion(0, "config-files 6.1.190-1\n")).isEmpty();
        assertThat(LinuxSource.installedVersion(0, "not-installed \n")).isEmpty();
        assertThat(LinuxSource.installedVersion(1, "dpkg-query: no packages found matching linux-source-6.1\n"))
                .isEmpty();
    }
}
