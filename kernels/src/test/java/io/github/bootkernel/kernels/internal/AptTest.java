package io.github.bootkernel.kernels.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AptTest {

    @Test
    void readsTheCandidateFromAptCachePolicy() {
        String policy = """
                linux-source-6.1:
                  Installed: (none)
                  Candidate: 6.1.192-2
                  Version table:
                     6.1.192-2 500
                        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
                """;

        assertThat(Apt.candidateIn(policy)).contains("6.1.192-2");
        assertThat(Apt.candidateIn("linux-source-6.1:\n  Installed: (none)\n  Candidate: (none)\n")).isEmpty();
        assertThat(Apt.candidateIn("")).isEmpty();
    }

    @Test
    void readsTheInstalledVersionFromDpkgQuery() {
        assertThat(Apt.installedVersion(0, "installed 6.1.192-2\n")).contains("6.1.192-2");
        assertThat(Apt.installedVersion(0, "config-files 6.1.190-1\n")).isEmpty();
        assertThat(Apt.installedVersion(0, "not-installed \n")).isEmpty();
        assertThat(Apt.installedVersion(1, "dpkg-query: no packages found matching linux-source-6.1\n"))
                .isEmpty();
    }
}
