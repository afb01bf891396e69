package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CoalescedPioTest {

    @Test
    void unsetOrTrueTurnsCoalescingOnAndFalseTurnsItOff() {
        assertThat(CoalescedPio.enabledByProperty(null)).isTrue();
        assertThat(CoalescedPio.enabledByProperty("true")).isTrue();
        assertThat(CoalescedPio.enabledByProperty("TRUE")).isTrue();
        assertThat(CoalescedPio.enabledByProperty("false")).isFalse();
        assertThat(CoalescedPio.enabledByProperty("False")).isFalse();
    }

    @Test
    void anyOtherValueIsRefusedNamingThePropertyAndTheValue() {
        assertThatThrownBy(() -> CoalescedPio.enabledByProperty("no"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("system property bootkernel.coalescedPio must be true or false, got 'no'");
    }
}
