package io.github.bootkernel.engine.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which listed MSRs a snapshot saves, and in which order. */
class SnapshotMsrsTest {

    @Test
    void keepsTheArchitecturalAndKvmMsrsPutsTheTscDeadlineLastAndDropsTheRest() {
        List<Integer> listed = List.of(0x6e0, 0x10, 0x174, 0xc1 /* IA32_PMC0 */, 0x17b /* MCG_CTL */,
                0xc0000080, 0x4b564d01, 0x38f /* PERF_GLOBAL_CTRL */, 0x277, 0x10, 0xc0000103, 0x11);
        assertThat(SnapshotMsrs.toSave(listed)).containsExactly(0x10, 0x174, 0xc0000080, 0x4b564d01, 0x277,
                0xc0000103, 0x11, 0x6e0);
    }

    @Test
    void rangesCompareAsUnsignedNumbers() {
        assertThat(SnapshotMsrs.saved(0xc0000084)).isTrue();
        assertThat(SnapshotMsrs.saved(0xc0000085)).isFalse();
        assertThat(SnapshotMsrs.saved(0x4b564dff)).isTrue();
        assertThat(SnapshotMsrs.saved(0x4b564e00)).isFalse();
        assertThat(SnapshotMsrs.saved(0xffffffff)).isFalse();
        assertThat(SnapshotMsrs.toSave(List.of())).isEmpty();
    }
}
