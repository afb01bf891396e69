package io.github.bootkernel.bench.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BootsTest {

    @Test
    void theToolsEndLineGivesTheVmExits() {
        assertThat(Boots.exits("bootkernel: guest ended: RESET (1.20 s: monitor ready 0.01 s; 419 VM exits)\n"))
                .contains(419L);
        assertThat(Boots.exits("bootkernel: guest ended: RESET (1.20 s, 12 VM exits, 3 console bytes lost)"))
                .contains(12L);
        assertThat(Boots.exits("bootkernel: cannot open /dev/kvm")).isEmpty();
    }

    @Test
    void everyMonitorGetsTheSameBaseCommandLine() {
        assertThat(Boots.baseCmdline()).startsWith("console=ttyS0 reboot=k panic=-1").endsWith(" quiet");
    }
}
