package io.github.bootkernel.kernels.initramfs;

import io.github.bootkernel.kernels.Catalog;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Prepares an {@link Initramfs} with Debian's static busybox and a generated {@code /init}.
 *
 * <pre>{@code
 * Initramfs image = BusyboxInitramfs.create()
 *         .withExitStatusHelper()
 *         .withAgent()
 *         .initBody("echo hello from the guest\n/bin/exit-status 3\n")
 *         .build();
 * }</pre>
 *
 * <p>The image holds {@code /bin/busybox}, the symlink {@code /bin/sh -> busybox}, the directories
 * {@code /bin /sbin /usr/bin /usr/sbin /dev /proc /sys /tmp /root}, the node {@code /dev/console}
 * (5, 1) and {@code /init}; with {@link #withExitStatusHelper()} also {@code /bin/exit-status}
 * (the catalog's {@link Catalog#EXIT_STATUS exit-status} helper), with {@link #withAgent()} also
 * {@value #AGENT_PATH} (the catalog's {@link Catalog#AGENT agent}). The generated {@code /init} is a
 * busybox shell script that
 *
 * <ol>
 *   <li>mounts {@code proc} on {@code /proc}, {@code sysfs} on {@code /sys} and {@code devtmpfs}
 *       on {@code /dev};</li>
 *   <li>runs {@code busybox --install -s}, so every applet is on {@code PATH}
 *       ({@code /bin:/sbin:/usr/bin:/usr/sbin});</li>
 *   <li>with the agent, starts it in the background on {@value #AGENT_DEVICE}
 *       ({@code docs/guest-agent-protocol.md}); every exit of the agent is logged on the console
 *       ({@code init: bootkernel-agent exited with status N}), and an agent killed by a signal is
 *       started again, at most {@value #AGENT_RESTARTS} times;</li>
 *   <li>prints {@value #READY_LINE} on the console;</li>
 *   <li>runs the body: by default, the script named by {@code bootkernel.script=PATH} on the kernel
 *       command line (its exit status is then reported with {@code /bin/exit-status} if present),
 *       or else an interactive shell on the console ({@code setsid cttyhack sh});
 *       {@link #initBody(String)} replaces this step;</li>
 *   <li>when the body returns, reboots with {@code reboot -f}, which ends the VM when the kernel
 *       runs with {@code reboot=k} (or whatever the monitor does on a reset).</li>
 * </ol>
 *
 * <p>{@link #initScript(String)} replaces the whole {@code /init} instead (the agent, if included,
 * is then started only if that script starts it). {@link #build()} returns a fresh builder each
 * time, to which a caller can add more files.
 */
public final class BusyboxInitramfs {

    /** The line the generated {@code /init} prints once the file systems are mounted. */
    public static final String READY_LINE = "init: ready";

    /** The kernel command line parameter that names a script for the default {@code /init} to run. */
    public static final String SCRIPT_PARAMETER = "bootkernel.script";

    /** Where {@link #withAgent()} puts the guest agent in the image. */
    public static final String AGENT_PATH = "/bin/bootkernel-agent";

    /** The serial port the generated {@code /init} starts the agent on: the guest's second UART. */
    public static final String AGENT_DEVICE = "/dev/ttyS1";

    /** How often the generated {@code /init} starts an agent again that a signal killed. */
    public static final int AGENT_RESTARTS = 3;

    /*
     * Started before the ready line, in the background, its input from /dev/null and its messages
     * on the console. The agent exits with 0 to 4 on its own (docs: agent.c); above 128 a signal
     * killed it (a crash, the OOM killer), and only then does a new one help.
     */
    private static final String AGENT_START = """
            # bootkernel-agent serves the host on %2$s (docs/guest-agent-protocol.md)
            (
              restarts=0
              while :; do
                %1$s %2$s
                status=$?
                echo "init: bootkernel-agent exited with status $status"
                if [ "$status" -le 128 ] || [ "$restarts" -ge %3$d ]; then
                  break
                fi
                restarts=$((restarts + 1))
              done
            ) </dev/null &
            """.formatted(AGENT_PATH, AGENT_DEVICE, AGENT_RESTARTS);

    private static final String DEFAULT_BODY = """
            script=
            for arg in $(cat /proc/cmdline); do
              case "$arg" in
                %1$s=*) script="${arg#%1$s=}" ;;
              esac
            done
            if [ -n "$script" ]; then
              sh "$script"
              status=$?
              echo "init: $script exited with status $status"
              if [ -x /bin/exit-status ]; then
                /bin/exit-status "$status"
              fi
            else
              setsid cttyhack sh
            fi
            """.formatted(SCRIPT_PARAMETER);

    private final Path busybox;
    private Path exitStatusHelper;
    private Path agent;
    private String body = DEFAULT_BODY;
    private String fullScript;

    private BusyboxInitramfs(Path busybox) {
        this.busybox = busybox;
    }

    /**
     * Starts from the cached static busybox ({@link Catalog#BUSYBOX_STATIC}), fetching it if needed.
     *
     * @return a new builder
     * @throws io.github.bootkernel.kernels.FetchException if busybox is not cached and cannot be
     *     fetched
     */
    public static BusyboxInitramfs create() {
        return new BusyboxInitramfs(Catalog.BUSYBOX_STATIC.get().path());
    }

    /**
     * Starts from a given busybox binary, which must be statically linked.
     *
     * @param busybox the busybox executable to put at {@code /bin/busybox}
     * @return a new builder
     */
    public static BusyboxInitramfs create(Path busybox) {
        return new BusyboxInitramfs(Objects.requireNonNull(busybox, "busybox"));
    }

    /**
     * Includes the cached exit-status helper as {@code /bin/exit-status}, building it if needed, so
     * that {@code /bin/exit-status 3} reports 3 through I/O port 0xf4.
     *
     * @return this builder
     * @throws io.github.bootkernel.kernels.FetchException if the helper is not cached and cannot be
     *     built
     */
    public BusyboxInitramfs withExitStatusHelper() {
        return withExitStatusHelper(Catalog.EXIT_STATUS.get().path());
    }

    /**
     * Includes a given exit-status helper as {@code /bin/exit-status}.
     *
     * @param helper the static executable
     * @return this builder
     */
    public BusyboxInitramfs withExitStatusHelper(Path helper) {
        this.exitStatusHelper = Objects.requireNonNull(helper, "helper");
        return this;
    }

    /**
     * Includes the cached guest agent as {@value #AGENT_PATH}, building it if needed, and makes the
     * generated {@code /init} start it on {@value #AGENT_DEVICE} before the ready line, so the host
     * can run commands and copy files through {@code Machine.agent()}.
     *
     * @return this builder
     * @throws io.github.bootkernel.kernels.FetchException if the agent is not cached and cannot be
     *     built
     */
    public BusyboxInitramfs withAgent() {
        return withAgent(Catalog.AGENT.get().path());
    }

    /**
     * Includes a given guest agent as {@value #AGENT_PATH}, started as {@link #withAgent()} says.
     *
     * @param agent the static executable
     * @return this builder
     */
    public BusyboxInitramfs withAgent(Path agent) {
        this.agent = Objects.requireNonNull(agent, "agent");
        return this;
    }

    /**
     * Replaces the default body of the generated {@code /init}: the given shell commands run after the
     * mounts and the ready line, with busybox's applets on {@code PATH}. When they return,
     * {@code /init} reboots.
     *
     * @param shellCommands the commands, for example {@code "echo hi\n/bin/exit-status 3\n"}
     * @return this builder
     */
    public BusyboxInitramfs initBody(String shellCommands) {
        this.body = Objects.requireNonNull(shellCommands, "shellCommands");
        this.fullScript = null;
        return this;
    }

    /**
     * Replaces the whole {@code /init}: no mounts, no ready line, no reboot unless the script does
     * them.
     *
     * @param script the script, starting with an interpreter line such as {@code #!/bin/sh}
     * @return this builder
     * @throws IllegalArgumentException if the script has no {@code #!} line
     */
    public BusyboxInitramfs initScript(String script) {
        Objects.requireNonNull(script, "script");
        if (!script.startsWith("#!")) {
            throw new IllegalArgumentException("/init must start with an interpreter line such as #!/bin/sh");
        }
        this.fullScript = script;
        return this;
    }

    /**
     * Returns the {@code /init} script the image will contain.
     *
     * @return the script text
     */
    public String init() {
        if (fullScript != null) {
            return fullScript;
        }
        return """
                #!/bin/sh
                # /init generated by bootkernel's BusyboxInitramfs
                /bin/busybox mount -t proc proc /proc
                /bin/busybox mount -t sysfs sysfs /sys
                /bin/busybox mount -t devtmpfs devtmpfs /dev
                /bin/busybox --install -s
                export PATH=/bin:/sbin:/usr/bin:/usr/sbin
                """
                + (agent == null ? "" : AGENT_START)
                + "echo \"" + READY_LINE + "\"\n"
                + body + (body.endsWith("\n") || body.isEmpty() ? "" : "\n")
                + "reboot -f\n";
    }

    /**
     * Builds a new {@link Initramfs} with busybox, {@code /init} and, if chosen, the exit-status
     * helper and the agent; more entries can be added to it.
     *
     * @return a new, uncompressed image builder
     * @throws java.io.UncheckedIOException if busybox or the helper cannot be read
     */
    public Initramfs build() {
        Initramfs image = Initramfs.create();
        for (String dir : new String[] {"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/proc", "/sys", "/root"}) {
            image.directory(dir);
        }
        image.directory("/tmp", 01777)
                .directory("/dev")
                .characterDevice("/dev/console", 0600, 5, 1)
                .file("/bin/busybox", busybox, 0755)
                .symlink("/bin/sh", "busybox")
                .script("/init", init());
        if (exitStatusHelper != null) {
            image.file("/bin/exit-status", exitStatusHelper, 0755);
        }
        if (agent != null) {
            image.file(AGENT_PATH, agent, 0755);
        }
        return image;
    }
}
