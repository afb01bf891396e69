/**
 * The bootkernel monitor: boots a Linux kernel in a KVM virtual machine and records its serial
 * console. Start with {@link io.github.bootkernel.engine.Machine}.
 *
 * <p>Exported: {@code io.github.bootkernel.engine} (the machine, its configuration, how a guest
 * ended, the KVM probe and the typed exceptions), {@code io.github.bootkernel.engine.console}
 * (the console as lines to read, wait on and follow), {@code io.github.bootkernel.engine.agent}
 * (commands and files through the guest agent), {@code io.github.bootkernel.engine.ktap} (KTAP
 * test results read from console lines), {@code io.github.bootkernel.engine.kmsg} (the kernel's
 * log, record by record, through the guest agent) and {@code io.github.bootkernel.engine.report}
 * (the kernel's reports found on the console and in its log). Everything else (KVM ioctls, guest memory,
 * the boot protocol, device models, the command-line tool) is internal: no exported type exposes
 * it, and no public type anywhere exposes native memory.
 */
module io.github.bootkernel.engine {
    requires com.sun.jna;
    // The command-line tool's images (the busybox image with the agent, --put); optional at run
    // time: only engine.cli uses it, and the engine's API never mentions it.
    requires static io.github.bootkernel.kernels;
    // sun.misc.Signal (by reflection): the command-line tool's SIGINT and SIGTERM handlers.
    requires jdk.unsupported;

    exports io.github.bootkernel.engine;
    exports io.github.bootkernel.engine.console;
    exports io.github.bootkernel.engine.agent;
    exports io.github.bootkernel.engine.ktap;
    exports io.github.bootkernel.engine.kmsg;
    exports io.github.bootkernel.engine.report;

    // JNA's direct mapping binds the native methods of kvm.Native by reflection.
    opens io.github.bootkernel.engine.kvm to com.sun.jna;
}
