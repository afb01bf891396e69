package io.github.bootkernel.engine.boot;

import java.util.List;

/**
 * Where everything of one boot goes in guest memory, decided and checked before anything is read
 * or written ({@link KernelLoader#plan}).
 *
 * @param kernelAddress where the protected-mode kernel is loaded, and the 32-bit entry point
 *     ({@link BzImage#loadAddress()})
 * @param kernelSize bytes of protected-mode kernel loaded there
 * @param runtimeAddress where the kernel will run ({@link BzImage#runtimeAddress()})
 * @param runtimeSize bytes the kernel needs from {@code runtimeAddress} ({@link BzImage#runtimeSize()})
 * @param cmdlineAddress where the NUL-terminated command line goes
 * @param cmdline the command line bytes, without the NUL
 * @param initrdAddress where the initrd goes, 0 when there is none
 * @param initrdSize initrd bytes, 0 when there is none
 * @param e820 the memory map
 * @param zeroPage the zero page's address
 */
public record LoadPlan(long kernelAddress, long kernelSize, long runtimeAddress, long runtimeSize,
                       long cmdlineAddress, byte[] cmdline, long initrdAddress, long initrdSize,
                       List<E820Entry> e820, long zeroPage) {

    /** @return the first address of the kernel's footprint: where it is loaded or runs, the lower */
    public long kernelStart() {
        return Math.min(kernelAddress, runtimeAddress);
    }

    /** @return the first address past the kernel's footprint, loaded and running ({@code init_size} included) */
    public long kernelEnd() {
        return Math.max(kernelAddress + kernelSize, runtimeAddress + runtimeSize);
    }
}
