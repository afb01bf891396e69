package io.github.bootkernel.engine.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Pins every request number in {@link Ioctl} against the value the C macros give, and its name.
 *
 * <p>The expected numbers were printed by a C program compiled with gcc 12.2 against
 * {@code /usr/include/linux/kvm.h} (Debian linux-libc-dev 6.1) on x86_64:
 * {@code printf("0x%lx", (unsigned long) KVM_RUN)} and so on for each name below.
 */
class IoctlTest {

    @Test
    void requestsWithoutArgumentStruct() {
        assertThat(Ioctl.KVM_GET_API_VERSION.number()).isEqualTo(0xae00L);
        assertThat(Ioctl.KVM_CREATE_VM.number()).isEqualTo(0xae01L);
        assertThat(Ioctl.KVM_CHECK_EXTENSION.number()).isEqualTo(0xae03L);
        assertThat(Ioctl.KVM_GET_VCPU_MMAP_SIZE.number()).isEqualTo(0xae04L);
        assertThat(Ioctl.KVM_CREATE_VCPU.number()).isEqualTo(0xae41L);
        assertThat(Ioctl.KVM_SET_TSS_ADDR.number()).isEqualTo(0xae47L);
        assertThat(Ioctl.KVM_CREATE_IRQCHIP.number()).isEqualTo(0xae60L);
        assertThat(Ioctl.KVM_RUN.number()).isEqualTo(0xae80L);
    }

    @Test
    void systemAndVmRequestsCarryingStructs() {
        assertThat(Ioctl.KVM_GET_SUPPORTED_CPUID.number()).isEqualTo(0xc008ae05L);
        assertThat(Ioctl.KVM_SET_USER_MEMORY_REGION.number()).isEqualTo(0x4020ae46L);
        assertThat(Ioctl.KVM_SET_IDENTITY_MAP_ADDR.number()).isEqualTo(0x4008ae48L);
        assertThat(Ioctl.KVM_IRQ_LINE.number()).isEqualTo(0x4008ae61L);
        assertThat(Ioctl.KVM_CREATE_PIT2.number()).isEqualTo(0x4040ae77L);
        assertThat(Ioctl.KVM_REGISTER_COALESCED_MMIO.number()).isEqualTo(0x4010ae67L);
    }

    @Test
    void vcpuRequestsCarryingStructs() {
        assertThat(Ioctl.KVM_GET_REGS.number()).isEqualTo(0x8090ae81L);
        assertThat(Ioctl.KVM_SET_REGS.number()).isEqualTo(0x4090ae82L);
        assertThat(Ioctl.KVM_GET_SREGS.number()).isEqualTo(0x8138ae83L);
        assertThat(Ioctl.KVM_SET_SREGS.number()).isEqualTo(0x4138ae84L);
        assertThat(Ioctl.KVM_SET_MSRS.number()).isEqualTo(0x4008ae89L);
        assertThat(Ioctl.KVM_SET_SIGNAL_MASK.number()).isEqualTo(0x4004ae8bL);
        assertThat(Ioctl.KVM_GET_FPU.number()).isEqualTo(0x81a0ae8cL);
        assertThat(Ioctl.KVM_SET_FPU.number()).isEqualTo(0x41a0ae8dL);
        assertThat(Ioctl.KVM_GET_LAPIC.number()).isEqualTo(0x8400ae8eL);
        assertThat(Ioctl.KVM_SET_LAPIC.number()).isEqualTo(0x4400ae8fL);
        assertThat(Ioctl.KVM_SET_CPUID2.number()).isEqualTo(0x4008ae90L);
        assertThat(Ioctl.KVM_GET_MP_STATE.number()).isEqualTo(0x8004ae98L);
    }

    @Test
    void theSnapshotIoctlsMatchLinuxKvmH() {
        // Values as the C macros of <linux/kvm.h> expand on x86_64.
        assertThat(Ioctl.KVM_GET_MSR_INDEX_LIST.number()).isEqualTo(0xc004ae02L);
        assertThat(Ioctl.KVM_GET_MSRS.number()).isEqualTo(0xc008ae88L);
        assertThat(Ioctl.KVM_SET_MP_STATE.number()).isEqualTo(0x4004ae99L);
        assertThat(Ioctl.KVM_GET_XSAVE.number()).isEqualTo(0x9000aea4L);
        assertThat(Ioctl.KVM_SET_XSAVE.number()).isEqualTo(0x5000aea5L);
        assertThat(Ioctl.KVM_GET_XSAVE2.number()).isEqualTo(0x9000aecfL);
        assertThat(Ioctl.KVM_GET_XCRS.number()).isEqualTo(0x8188aea6L);
        assertThat(Ioctl.KVM_SET_XCRS.number()).isEqualTo(0x4188aea7L);
        assertThat(Ioctl.KVM_GET_DEBUGREGS.number()).isEqualTo(0x8080aea1L);
        assertThat(Ioctl.KVM_SET_DEBUGREGS.number()).isEqualTo(0x4080aea2L);
        assertThat(Ioctl.KVM_GET_VCPU_EVENTS.number()).isEqualTo(0x8040ae9fL);
        assertThat(Ioctl.KVM_SET_VCPU_EVENTS.number()).isEqualTo(0x4040aea0L);
        assertThat(Ioctl.KVM_GET_TSC_KHZ.number()).isEqualTo(0xaea3L);
        assertThat(Ioctl.KVM_KVMCLOCK_CTRL.number()).isEqualTo(0xaeadL);
        assertThat(Ioctl.KVM_GET_IRQCHIP.number()).isEqualTo(0xc208ae62L);
        assertThat(Ioctl.KVM_SET_IRQCHIP.number()).isEqualTo(0x8208ae63L);
        assertThat(Ioctl.KVM_GET_PIT2.number()).isEqualTo(0x8070ae9fL);
        assertThat(Ioctl.KVM_SET_PIT2.number()).isEqualTo(0x4070aea0L);
        assertThat(Ioctl.KVM_GET_CLOCK.number()).isEqualTo(0x8030ae7cL);
        assertThat(Ioctl.KVM_SET_CLOCK.number()).isEqualTo(0x4030ae7bL);
    }

    @Test
    void numbersArePositiveAndFitAnUnsigned32BitRequest() {
        // ioctl(2) takes an unsigned long; the _IOC encoding uses 32 bits, so a value with the read
        // bit set (0x8...) must not have been sign-extended into the upper half.
        assertThat(Ioctl.KVM_GET_SUPPORTED_CPUID.number() >>> 32).isZero();
        assertThat(Ioctl.KVM_GET_REGS.number() >>> 32).isZero();
        assertThat(Ioctl.KVM_GET_LAPIC.number() >>> 32).isZero();
    }

    @Test
    void sizeFieldIsTheStructSizeFromKvmStructs() {
        assertThat(sizeField(Ioctl.KVM_GET_REGS)).isEqualTo(KvmStructs.REGS);
        assertThat(sizeField(Ioctl.KVM_SET_SREGS)).isEqualTo(KvmStructs.SREGS);
        assertThat(sizeField(Ioctl.KVM_GET_FPU)).isEqualTo(KvmStructs.FPU);
        assertThat(sizeField(Ioctl.KVM_SET_LAPIC)).isEqualTo(KvmStructs.LAPIC_STATE);
        assertThat(sizeField(Ioctl.KVM_SET_CPUID2)).isEqualTo(KvmStructs.CPUID2_HEADER);
        assertThat(sizeField(Ioctl.KVM_SET_MSRS)).isEqualTo(KvmStructs.MSRS_HEADER);
        assertThat(sizeField(Ioctl.KVM_SET_USER_MEMORY_REGION)).isEqualTo(KvmStructs.MEMORY_REGION);
        assertThat(sizeField(Ioctl.KVM_CREATE_PIT2)).isEqualTo(KvmStructs.PIT_CONFIG);
        assertThat(sizeField(Ioctl.KVM_IRQ_LINE)).isEqualTo(KvmStructs.IRQ_LEVEL);
        assertThat(sizeField(Ioctl.KVM_SET_SIGNAL_MASK)).isEqualTo(KvmStructs.SIGNAL_MASK_HEADER);
        assertThat(sizeField(Ioctl.KVM_GET_MP_STATE)).isEqualTo(KvmStructs.MP_STATE);
    }

    @Test
    void requestEncodesDirectionSizeTypeAndNumber() {
        assertThat(Ioctl.request(0, 0xAE, 0x80, 0)).isEqualTo(0xae80L);
        assertThat(Ioctl.request(1, 0xAE, 0x82, 144)).isEqualTo(0x4090ae82L);
        assertThat(Ioctl.request(2, 0xAE, 0x81, 144)).isEqualTo(0x8090ae81L);
        assertThat(Ioctl.request(3, 0xAE, 0x05, 8)).isEqualTo(0xc008ae05L);
        // The largest size the 14-bit field holds.
        assertThat(Ioctl.request(2, 0xAE, 0, 0x3fff)).isEqualTo(0xbfffae00L);
    }

    @Test
    void requestRejectsASizeOutsideTheFourteenBitField() {
        assertThatThrownBy(() -> Ioctl.request(1, 0xAE, 0x90, 1 << 14))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size out of range")
                .hasMessageContaining("16384");
        assertThatThrownBy(() -> Ioctl.request(1, 0xAE, 0x90, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> Ioctl.request(1, 0xAE, 0x90, Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachRequestIsNamedAfterItsCMacroAndNumbersAreDistinct() {
        assertThat(Ioctl.KVM_SET_REGS).hasToString("KVM_SET_REGS");
        assertThat(java.util.Arrays.stream(Ioctl.values()).mapToLong(Ioctl::number).distinct().count())
                .as("distinct request numbers").isEqualTo(Ioctl.values().length);
    }

    private static int sizeField(Ioctl request) {
        return (int) ((request.number() >>> 16) & 0x3fff);
    }
}
