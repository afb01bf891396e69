package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvmAvailabilityTest {

    @TempDir
    Path dir;

    @Test
    void aMissingDeviceIsAbsentAndNamed() {
        Path device = dir.resolve("kvm");
        KvmAvailability kvm = KvmAvailability.probe(device);
        assertThat(kvm.status()).isEqualTo(KvmAvailability.Status.ABSENT);
        assertThat(kvm.usable()).isFalse();
        assertThat(kvm.bootsStockKernels()).isFalse();
        assertThat(kvm.describe()).startsWith("KVM unusable (ABSENT): " + device + " does not exist");
    }

    @Test
    void aFileThatIsNotAKvmDeviceIsUnsuitable() throws Exception {
        Path notKvm = Files.writeString(dir.resolve("kvm"), "not a device");
        KvmAvailability kvm = KvmAvailability.probe(notKvm);
        assertThat(kvm.status()).isEqualTo(KvmAvailability.Status.UNSUITABLE);
        assertThat(kvm.detail()).contains("KVM_GET_API_VERSION").contains("ENOTTY");
    }

    @Test
    void thisHostsKvmIsUsableAndPvmExactlyWhenKvmPvmIsLoaded() {
        KvmAvailability kvm = KvmAvailability.probe(MachineConfig.DEFAULT_KVM_DEVICE);
        assertThat(kvm.usable()).as(kvm.describe()).isTrue();
        assertThat(kvm.status()).isEqualTo(Files.exists(KvmAvailability.PVM_MODULE)
                ? KvmAvailability.Status.PVM : KvmAvailability.Status.USABLE);
        assertThat(kvm.bootsStockKernels()).isEqualTo(kvm.status() == KvmAvailability.Status.USABLE);
    }
}
