package io.github.bootkernel.engine.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Pins the capability numbers against {@code /usr/include/linux/kvm.h} (Debian linux-libc-dev 6.1):
 * {@code #define KVM_CAP_PIT2 33} and so on.
 */
class CapabilityTest {

    @Test
    void numbersAreThoseOfTheKernelHeader() {
        assertThat(Capability.IRQCHIP.number()).isEqualTo(0);
        assertThat(Capability.USER_MEMORY.number()).isEqualTo(3);
        assertThat(Capability.SET_TSS_ADDR.number()).isEqualTo(4);
        assertThat(Capability.EXT_CPUID.number()).isEqualTo(7);
        assertThat(Capability.PIT2.number()).isEqualTo(33);
        assertThat(Capability.SET_IDENTITY_MAP_ADDR.number()).isEqualTo(37);
        assertThat(Capability.TSC_DEADLINE_TIMER.number()).isEqualTo(72);
        assertThat(Capability.IMMEDIATE_EXIT.number()).isEqualTo(136);
        assertThat(Capability.COALESCED_MMIO.number()).isEqualTo(15);
        assertThat(Capability.COALESCED_PIO.number()).isEqualTo(162);
    }

    @Test
    void messagesUseTheCName() {
        assertThat(Capability.TSC_DEADLINE_TIMER).hasToString("KVM_CAP_TSC_DEADLINE_TIMER");
        assertThat(Capability.IMMEDIATE_EXIT).hasToString("KVM_CAP_IMMEDIATE_EXIT");
    }
}
