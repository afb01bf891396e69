package io.github.bootkernel.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NumbersTest {

    @Test
    void threeSignificantDigitsAtEveryScale() {
        assertThat(Numbers.format(362.569)).isEqualTo("363");
        assertThat(Numbers.format(48.975)).isEqualTo("49.0");
        assertThat(Numbers.format(6.414)).isEqualTo("6.41");
        assertThat(Numbers.format(0.2)).isEqualTo("0.200");
        assertThat(Numbers.format(0.00134)).isEqualTo("0.00134");
        assertThat(Numbers.format(-2.078)).isEqualTo("-2.08");
        assertThat(Numbers.format(0)).isEqualTo("0");
    }
}
