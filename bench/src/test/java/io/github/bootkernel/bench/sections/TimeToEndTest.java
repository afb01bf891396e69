package io.github.bootkernel.bench.sections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TimeToEndTest {

    @Test
    void powerOffNeedsAKernelWithAcpi() {
        assertThat(TimeToEnd.kernel(List.of("tiny", "debian-generic", "debian-cloud"))).isEqualTo("debian-generic");
        assertThatThrownBy(() -> TimeToEnd.kernel(List.of("tiny", "tiny-kunit")))
                .hasMessageContaining("add debian-cloud to --kernels");
    }
}
