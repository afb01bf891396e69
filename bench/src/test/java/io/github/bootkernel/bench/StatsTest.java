package io.github.bootkernel.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void anOddCountHasTheMiddleSampleAsMedian() {
        Stats s = Stats.of(List.of(5.0, 1.0, 3.0));
        assertThat(s).isEqualTo(new Stats(3.0, 1.0, 5.0, 3));
        assertThat(s.spread()).isEqualTo(4.0);
    }

    @Test
    void anEvenCountHasTheMeanOfTheTwoMiddleSamples() {
        assertThat(Stats.of(List.of(4.0, 1.0, 2.0, 10.0)).median()).isEqualTo(3.0);
    }

    @Test
    void oneSampleIsItsOwnMedianMinAndMax() {
        assertThat(Stats.of(List.of(0.25))).isEqualTo(new Stats(0.25, 0.25, 0.25, 1));
    }

    @Test
    void noSamplesOrANanAreRefused() {
        assertThatThrownBy(() -> Stats.of(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no samples");
        assertThatThrownBy(() -> Stats.of(List.of(1.0, Double.NaN))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a number");
    }
}
