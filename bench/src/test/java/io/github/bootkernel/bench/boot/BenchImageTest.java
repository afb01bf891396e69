package io.github.bootkernel.bench.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchImageTest {

    @Test
    void theInitLineCarriesTheGuestsUptime() {
        String line = "[    1.2] x " + BenchImage.INIT_LINE + "1.57\r";
        assertThat(BenchImage.isInitLine(line)).isTrue();
        assertThat(BenchImage.uptime(line)).isEqualTo(1.57);
        assertThatThrownBy(() -> BenchImage.uptime("bench: init reached")).hasMessageContaining("not an init line");
    }

    @Test
    void initPrintsBothLinesAndEndsByResetOrPowerOff() {
        assertThat(BenchImage.INIT).startsWith("#!/bin/busybox sh\n")
                .contains("echo \"" + BenchImage.INIT_LINE + "$up\"", "echo \"" + BenchImage.LAST_LINE + "\"",
                        "grep -q '" + BenchImage.POWEROFF + "' /proc/cmdline", "poweroff -f", "reboot -f");
        assertThat(BenchImage.isLastLine(BenchImage.LAST_LINE)).isTrue();
    }
}
