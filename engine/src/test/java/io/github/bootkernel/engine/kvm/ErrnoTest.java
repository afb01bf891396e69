package io.github.bootkernel.engine.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Errno names and numbers (x86_64 Linux, {@code <asm-generic/errno-base.h>}) and their messages. */
class ErrnoTest {

    @Test
    void numbersAreThoseOfLinux() {
        assertThat(Errno.EPERM.number()).isEqualTo(1);
        assertThat(Errno.EINTR.number()).isEqualTo(4);
        assertThat(Errno.EAGAIN.number()).isEqualTo(11);
        assertThat(Errno.EACCES.number()).isEqualTo(13);
        assertThat(Errno.EINVAL.number()).isEqualTo(22);
        assertThat(Errno.ENOTTY.number()).isEqualTo(25);
        assertThat(Errno.ENOSYS.number()).isEqualTo(38);
        assertThat(Errno.EOPNOTSUPP.number()).isEqualTo(95);
    }

    @Test
    void lookupByNumberFallsBackToUnknown() {
        assertThat(Errno.of(13)).isEqualTo(Errno.EACCES);
        assertThat(Errno.of(42)).isEqualTo(Errno.UNKNOWN);
        assertThat(Errno.of(-1)).isEqualTo(Errno.UNKNOWN);
        for (Errno e : Errno.values()) {
            if (e != Errno.UNKNOWN) {
                assertThat(Errno.of(e.number())).as("round trip of %s", e).isEqualTo(e);
            }
        }
    }

    @Test
    void describeGivesNameNumberAndMeaning() {
        assertThat(Errno.describe(13)).isEqualTo("EACCES (13), permission denied");
        assertThat(Errno.describe(42)).isEqualTo("errno 42");
    }

    @Test
    void kvmExceptionCarriesTheErrnoByNameAndNumber() {
        KvmException e = new KvmException("open(/dev/kvm)", 13, null);
        assertThat(e).hasMessage("open(/dev/kvm) failed: EACCES (13), permission denied");
        assertThat(e.errno()).isEqualTo(Errno.EACCES);
        assertThat(e.errnoNumber()).isEqualTo(13);

        KvmException unnamed = new KvmException("ioctl(KVM_RUN) on vCPU 0", 200, null);
        assertThat(unnamed).hasMessage("ioctl(KVM_RUN) on vCPU 0 failed: errno 200");
        assertThat(unnamed.errno()).isEqualTo(Errno.UNKNOWN);
        assertThat(unnamed.errnoNumber()).isEqualTo(200);

        KvmException none = new KvmException("KVM_SET_MSRS wrote 1 of 2 MSRs");
        assertThat(none.errno()).isEqualTo(Errno.UNKNOWN);
        assertThat(none.errnoNumber()).isEqualTo(-1);
    }
}
