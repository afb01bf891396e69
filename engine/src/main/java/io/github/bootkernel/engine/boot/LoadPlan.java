package io.github.bootkernel.engine.boot;

import java.util.List;

/**
 * Where everything of one boot goes in guest memory, decided before anything is written.
 *
 * @param kernelAddress where the protected-mode kernel is loaded (and entered)
 * @param kernelEnd first address past the kernel's footprint ({@code init_size} included)
 * @param cmdlineAddress where the NUL-terminated command line goes
 * @param cmdline the command line bytes, without the NUL
 * @param initrdAddress where the initrd goes, 0 when there is none
 * @param initrdSize initrd bytes, 0 when there is none
 * @param e820 the memory map
 * @param zeroPage the zero page's address
 */
public record LoadPlan(long kernelAddress, long kernelEnd, long cmdlineAddress, byte[] cmdline,
                       long initrdAddress, long initrdSize, List<E820Entry> e820, long zeroPage) {
}
