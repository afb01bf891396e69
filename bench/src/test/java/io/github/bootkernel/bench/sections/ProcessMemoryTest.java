package io.github.bootkernel.bench.sections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {

    @Test
    void guestRamIsTheAnonymousDontForkMappings() {
        List<String> smaps = List.of(
                "7f0000000000-7f0040000000 rw-p 00000000 00:00 0 ",
                "Size:            1048576 kB",
                "Rss:                2048 kB",
                "VmFlags: rd wr mr mw me dc ac sd hg ",
                "7f0040000000-7f0040001000 rw-s 00000000 00:0e 1234                       anon_inode:kvm-vcpu:0",
                "Size:                  4 kB",
                "Rss:                   4 kB",
                "VmFlags: rd wr sh mr mw me ms dc sd ",
                "7f0050000000-7f0060000000 rw-p 00000000 00:00 0 ",
                "Size:             262144 kB",
                "Rss:               10240 kB",
                "VmFlags: rd wr mr mw me ac sd ",
                "7f0070000000-7f00b0000000 rw-p 00000000 00:00 0",
                "Size:            1048576 kB",
                "Rss:                1024 kB",
                "VmFlags: rd wr mr mw me dc ac sd ");
        assertThat(ProcessMemory.guestRamRss(smaps)).isEqualTo(3072 * 1024L);
    }

    @Test
    void theResidentSetComesFromVmRss() throws Exception {
        assertThat(ProcessMemory.rss("Name:\tjava\nVmRSS:\t  123456 kB\nThreads:\t20\n")).isEqualTo(123456 * 1024L);
        assertThatThrownBy(() -> ProcessMemory.rss("Name:\tjava\n")).hasMessageContaining("no VmRSS");
        assertThat(ProcessMemory.rss()).isPositive();
        assertThat(ProcessMemory.guestRamRss()).isZero();
    }
}
