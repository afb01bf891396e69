package io.github.bootkernel.bench.sections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.bench.Sections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SnapshotRestoreTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(SnapshotRestore.CLONES_PROPERTY);
    }

    @Test
    void theClonesInSequenceAreIssue13sHundredUnlessThePropertySaysOtherwise() {
        assertThat(SnapshotRestore.clones()).isEqualTo(100);
        System.setProperty(SnapshotRestore.CLONES_PROPERTY, "5");
        assertThat(SnapshotRestore.clones()).isEqualTo(5);
        System.setProperty(SnapshotRestore.CLONES_PROPERTY, "0");
        assertThatThrownBy(SnapshotRestore::clones).hasMessage("-Dbench.snapshotClones: at least 1, got 0");
        System.setProperty(SnapshotRestore.CLONES_PROPERTY, "ten");
        assertThatThrownBy(SnapshotRestore::clones).hasMessage("-Dbench.snapshotClones: not a number: ten");
    }

    @Test
    void itsKeyIsTheOneTheDocsName() {
        assertThat(Sections.key(new SnapshotRestore())).isEqualTo("snapshot-restore");
    }
}
