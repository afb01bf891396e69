package io.github.bootkernel.bench.sections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostResourcesTest {

    /** A booted guest's RAM, a clone's RAM, two kvm_run pages, a JVM heap and a thread stack. */
    private static final List<String> SMAPS = List.of(
            "7f0000000000-7f0010000000 rw-p 00000000 00:00 0 ",
            "Private_Dirty:      2048 kB",
            "VmFlags: rd wr mr mw me dc ac sd hg ",
            "7f0010000000-7f0020000000 rw-p 00000000 00:01 77                         /memfd:bootkernel guest RAM snapshot (deleted)",
            "Rss:                3000 kB",
            "Private_Dirty:      1100 kB",
            "Anonymous:           900 kB",
            "VmFlags: rd wr mr mw me dc ac sd ",
            "7f0020000000-7f0020001000 rw-s 00000000 00:0e 1234                       anon_inode:kvm-vcpu:0",
            "Private_Dirty:         4 kB",
            "VmFlags: rd wr sh mr mw me ms sd ",
            "7f0020001000-7f0020002000 rw-s 00000000 00:0e 1235                       anon_inode:kvm-vcpu:0",
            "VmFlags: rd wr sh mr mw me ms sd ",
            "7f0030000000-7f0040000000 rw-p 00000000 00:00 0 ",
            "Private_Dirty:     10240 kB",
            "VmFlags: rd wr mr mw me ac sd ",
            "7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]",
            "Private_Dirty:        16 kB",
            "VmFlags: rd wr mr mw me gd ac ");

    @Test
    void kvmMappingsAreKvmRunPagesAndGuestRamBootedOrCloned() {
        assertThat(HostResources.mappings(SMAPS)).isEqualTo(6);
        assertThat(HostResources.kvmMaps(SMAPS)).isEqualTo(4);
    }

    @Test
    void aCloneWroteTheAnonymousPagesOfItsSnapshotMappingNotItsPrivateDirtyOnes() {
        assertThat(HostResources.cloneWrittenBytes(SMAPS)).isEqualTo(900 * 1024L);
    }

    @Test
    void kvmDescriptorsAreTheDeviceItsAnonymousInodesAndTheSnapshotsMemoryFile() {
        assertThat(HostResources.kvmFds(List.of("/dev/kvm", "anon_inode:kvm-vm", "anon_inode:kvm-vcpu:0",
                "/memfd:bootkernel guest RAM snapshot (deleted)", "/usr/lib/jvm/lib/modules", "pipe:[123]",
                "anon_inode:[eventfd]", "socket:[9]"))).isEqualTo(4);
    }

    @Test
    void minorFaultsAreTheTenthFieldEvenWithSpacesAndParenthesesInTheName() throws Exception {
        assertThat(HostResources.minorFaults("4242 (java) S 1 4242 4242 0 -1 4194560 123456 0 7 0 12 3 0 0 20 0 40"))
                .isEqualTo(123456);
        assertThat(HostResources.minorFaults("4242 (a (b) c) R 1 4242 4242 0 -1 4194560 99 0 7 0 12 3 0 0 20 0"))
                .isEqualTo(99);
        assertThatThrownBy(() -> HostResources.minorFaults("4242 (java) S 1")).hasMessageContaining("minflt");
        assertThat(HostResources.minorFaults()).isPositive();
    }

    @Test
    void rssAnonComesFromTheStatusFile() throws Exception {
        assertThat(ProcessMemory.statusBytes("Name:\tjava\nRssAnon:\t   2048 kB\nRssFile:\t 10 kB\n", "RssAnon"))
                .isEqualTo(2048 * 1024L);
        assertThatThrownBy(() -> ProcessMemory.statusBytes("Name:\tjava\n", "RssAnon")).hasMessageContaining("no RssAnon");
        assertThat(HostResources.rssAnon()).isPositive();
    }

    @Test
    void thisJvmHasNoKvmResourcesAndDifferencesAreFieldByField() throws Exception {
        HostResources now = HostResources.now();
        assertThat(now.kvmFds()).isZero();
        assertThat(now.kvmMaps()).isZero();
        assertThat(now.fds()).isPositive();
        assertThat(now.tasks()).isPositive();
        assertThat(new HostResources(10, 3, 20, 2, 300, 4).minus(new HostResources(9, 3, 22, 0, 290, 1)))
                .isEqualTo(new HostResources(1, 0, -2, 2, 10, 3));
    }
}
