package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Machine#start} checks the kernel and initrd against the load plan from their sizes before
 * it reads them or touches KVM: an input too large for the guest is refused at once, naming the
 * input, its size and the room there is (no {@code /dev/kvm} needed: the device named here does
 * not exist, so an input that passed the checks would end in {@link KvmUnavailableException}).
 */
class MachineInputsTest {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    private MachineConfig.Builder config(Path kernel) {
        return MachineConfig.builder(kernel).kvmDevice(dir.resolve("no-kvm-here"));
    }

    /** A sparse file of {@code size} bytes: costs no disk, and would cost the heap its size if read whole. */
    private Path sparse(String name, byte[] head, long size) throws IOException {
        Path path = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.write(head);
            f.setLength(size);
        }
        return path;
    }

    /** A tiny guest whose initrd_addr_max is that of today's kernels, 0x7fffffff. */
    private Path kernel() throws IOException {
        byte[] image = TinyGuests.bzImage(TinyGuests.printThenExit("x", 0));
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(0x22c, 0x7fffffff);
        return Files.write(dir.resolve("bzImage"), image);
    }

    @Test
    void aOneGibibyteInitrdForA64MiBGuestIsRefusedFromItsSize() throws IOException {
        Path kernel = kernel();
        Path initrd = sparse("huge.cpio", new byte[] {'0', '7', '0', '7', '0', '1'}, GIB);
        assertThatThrownBy(() -> Machine.start(config(kernel).initrd(initrd).memoryMiB(64).build()))
                .isInstanceOf(BootImageException.class)
                .hasMessageStartingWith("initrd " + initrd + ": " + GIB + " bytes do not fit")
                .hasMessageContaining("the room from the kernel's end 0x110000 to 0x4000000 (the end of RAM) is "
                        + (64 * MIB - 0x110000) + " bytes")
                .hasMessageContaining("give the guest more memory: at least 1026 MiB")
                .extracting(e -> ((BootImageException) e).input()).isEqualTo(initrd.toString());
    }

    @Test
    void anInitrdAboveInitrdAddrMaxInAnyGuestSaysMoreMemoryDoesNotHelp() throws IOException {
        Path kernel = kernel();
        Path initrd = sparse("larger-than-the-heap.cpio", new byte[1], 8 * GIB);
        assertThatThrownBy(() -> Machine.start(config(kernel).initrd(initrd).memoryMiB(64 * 1024).build()))
                .isInstanceOf(BootImageException.class)
                .hasMessageStartingWith("initrd " + initrd + ": " + 8 * GIB + " bytes do not fit")
                .hasMessageContaining("more memory does not help: initrd_addr_max 0x7fffffff of kernel " + kernel
                        + " leaves at most " + (0x80000000L - 0x110000) + " bytes above the kernel");
    }

    @Test
    void aKernelLargerThanRamIsRefusedFromItsSize() throws IOException {
        byte[] image = TinyGuests.bzImage(TinyGuests.printThenExit("x", 0));
        Path kernel = sparse("huge-bzImage", image, 4 * GIB);
        long protectedMode = 4 * GIB - 1024;
        assertThatThrownBy(() -> Machine.start(config(kernel).memoryMiB(256).build()))
                .isInstanceOf(BootImageException.class)
                .hasMessageStartingWith("kernel " + kernel + ": needs guest memory up to 0x"
                        + Long.toHexString(0x100000 + protectedMode))
                .hasMessageContaining(protectedMode + " bytes of protected-mode kernel loaded at 0x100000")
                .hasMessageContaining("RAM below 3 GiB ends at 0x10000000")
                .hasMessageContaining("no guest memory size helps");
    }

    @Test
    void inputsThatFitAreNotReadBeforeKvmIsOpened() throws IOException {
        Path kernel = TinyGuests.write(dir, "hello", TinyGuests.printThenExit("x", 0));
        Path initrd = sparse("fits.cpio", new byte[1], 512 * MIB);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Machine.start(config(kernel).initrd(initrd).memoryMiB(1024).build()))
                .isInstanceOf(KvmUnavailableException.class);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms to refuse, with 512 MiB of initrd unread")
                .isLessThan(5_000);
    }

    @Test
    void anEmptyInitrdIsATypedError() throws IOException {
        Path kernel = TinyGuests.write(dir, "hello", TinyGuests.printThenExit("x", 0));
        Path initrd = Files.createFile(dir.resolve("empty.cpio"));
        assertThatThrownBy(() -> Machine.start(config(kernel).initrd(initrd).build()))
                .isInstanceOf(BootImageException.class)
                .hasMessage("initrd " + initrd + ": is empty");
    }
}
