package io.github.bootkernel.junit;

import io.github.bootkernel.engine.MachineConfig;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Everything that makes two template guests of {@link BootKernel#fromSnapshot()} differ at their
 * snapshot: the kernel and the initramfs (the composed image, host files included) by path and
 * content, the whole command line, memory, vCPUs, the ready line (the snapshot's instant), whether
 * the agent runs and streams the kernel log, and the KVM device. Declarations with equal keys share
 * one template. Left out, because the guest cannot see them before the snapshot: the time limits
 * ({@code timeout}, {@code silenceTimeout}, {@code execTimeout}, {@code bootTimeout}), which each
 * clone gets from its own declaration, and {@code failOnReports}, which each clone's tests apply.
 *
 * @param kernel the bzImage
 * @param initrd the initramfs as booted, if any
 * @param cmdline the complete kernel command line
 * @param memoryMiB guest RAM
 * @param cpus vCPUs
 * @param readyLine the ready line's regular expression
 * @param agent whether the guest runs the agent
 * @param kernelLog whether the agent streams the kernel log
 * @param kvmDevice the KVM device node
 */
record TemplateKey(FileIdentity kernel, Optional<FileIdentity> initrd, String cmdline, int memoryMiB, int cpus,
                   String readyLine, boolean agent, boolean kernelLog, Path kvmDevice) {

    /**
     * The key of a configuration; the files are hashed (once per launcher run and file version,
     * {@link FileIdentity#of}).
     *
     * @param config the template's configuration, with a ready line
     */
    static TemplateKey of(ExtensionContext context, MachineConfig config) {
        return new TemplateKey(FileIdentity.of(context, config.kernel(), "kernel"),
                config.initrd().map(i -> FileIdentity.of(context, i, "initramfs")), config.cmdline(),
                config.memoryMiB(), config.cpus(), config.readyLine().orElseThrow(), config.agent(),
                config.kernelLog(), config.kvmDevice());
    }

    /**
     * @return for example {@code kernel /c/probe.bzImage (6144 bytes, sha256 0123456789ab...),
     *     initramfs none, cmdline 'console=ttyS0 ...', 256 MiB, 1 vCPU, ready line /probe: ready/}
     */
    String describe() {
        return "kernel " + kernel + ", initramfs " + initrd.map(FileIdentity::toString).orElse("none") + ", cmdline '"
                + cmdline + "', " + memoryMiB + " MiB, " + cpus + (cpus == 1 ? " vCPU" : " vCPUs") + ", ready line /"
                + readyLine + "/" + (agent ? ", guest agent" : "");
    }
}
