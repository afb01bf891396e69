package io.github.bootkernel.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Injects a booted {@link Guest}: a kernel started in its own virtual machine, its serial console
 * recorded from the first byte.
 *
 * <pre>{@code
 * @Test
 * void printsBannerAndReachesInit(@BootKernel(initramfs = "busybox", cmdline = "quiet") Guest guest) {
 *     assertThat(guest.console()).emitsWithin(Duration.ofSeconds(30), "init: ready");
 *     assertThat(guest.console()).doesNotContainPanic();
 * }
 * }</pre>
 *
 * <h2>Scope follows the declaration</h2>
 * Like {@code @TempDir}: a parameter of a test method or of a {@code @BeforeEach} method, or an
 * instance field, gets a fresh guest for each test; a static field or a parameter of a
 * {@code @BeforeAll} method gets one guest for the whole class. Every declaration gets its own
 * guest. JUnit closes each guest when its scope ends (the guest is an {@link AutoCloseable} in the
 * {@link org.junit.jupiter.api.extension.ExtensionContext.Store}), which stops the virtual machine
 * if it still runs. Fields must be of type {@link Guest} and not {@code final}; constructor
 * parameters are not supported. A static field inherited by several test classes holds, while a
 * class's tests run, that class's guest; classes that may run at the same time cannot share one
 * (see "Parallel execution" in the {@linkplain io.github.bootkernel.junit package documentation}).
 *
 * <h2>Which kernel</h2>
 * {@link #kernel()} names an id or a path; left empty, the configured kernel is used (see the
 * {@linkplain io.github.bootkernel.junit package documentation} for the configuration keys), and
 * inside {@link KernelTest @KernelTest} or {@link KernelMatrix @KernelMatrix} each configured
 * kernel in turn.
 *
 * <h2>When the guest is handed over</h2>
 * Right after the machine started, unless {@link #awaitLine()} names a line to wait for first.
 * Every guest has a lifetime limit ({@link #timeout()}), so a guest that hangs still ends. With
 * {@link #fromSnapshot()}, the guest is a clone of a template booted once per configuration,
 * handed over right after its restore, at the template's ready line.
 *
 * <p>When {@code /dev/kvm} is missing or not accessible, the test is aborted with the reason
 * (it fails instead with {@code CI=true} or {@code bootkernel.requireKvm=true}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
// The extension class is package-private on purpose: users never name it, and JUnit reaches it
// through the module's "opens" (module-info.java), so javac's "not accessible to clients" is moot.
@SuppressWarnings("exports")
@ExtendWith(BootKernelExtension.class)
public @interface BootKernel {

    /**
     * The kernel: an id or the path of a bzImage. Built-in ids are the kernels of the kernels
     * module's {@link io.github.bootkernel.kernels.Catalog}: {@code probe} (a tiny test double,
     * not Linux), {@code debian-cloud} and {@code debian-generic} (fetched from Debian's archive on
     * first use), {@code tiny} and {@code tiny-kunit} (about 1 MB kernels built from Debian's kernel
     * source on first use; {@code tiny-kunit} prints KTAP results at boot); more ids come from the
     * configuration ({@code bootkernel.kernel.<id>=PATH}) and the cache's index.
     *
     * <p>Before the guest boots, the kernel's configuration is checked when it is known (a Debian
     * or tiny kernel's, kept beside it in the cache; for other kernels a file beside the kernel, see
     * {@link io.github.bootkernel.kernels.KernelConfig#fileBeside}): a kernel without what the guest
     * needs fails with a {@link MissingKernelOptionException} naming the option, instead of a boot
     * timeout.
     *
     * @return the kernel, or {@code ""} (the default) for the configured one
     */
    String kernel() default "";

    /**
     * The initramfs: an id or the path of a (possibly gzipped) newc cpio archive. The built-in id
     * {@code busybox} (also {@code busybox-initramfs}) is a static busybox whose {@code /init}
     * mounts the usual file systems, starts the guest agent (so {@link Guest#exec(String...)}
     * works), prints {@code init: ready} and starts a shell on the console, with
     * {@code /bin/exit-status N} to end the guest with status N; it is packed once into the cache.
     * More ids come from the configuration ({@code bootkernel.initramfs.<id>=PATH}); their guests
     * have no command channel. Exclusive with {@link #initramfsFactory()}.
     *
     * @return the initramfs, or {@code ""} (the default) for none
     */
    String initramfs() default "";

    /**
     * The whole initramfs from a static method, the way {@code @MethodSource} names one: the name
     * of a method of the test class (or of a superclass), or {@code "com.example.Images#tools"} for
     * another class's. It takes no parameters and returns an
     * {@link io.github.bootkernel.kernels.initramfs.Initramfs}, for example one built with
     * {@link io.github.bootkernel.kernels.initramfs.BusyboxInitramfs}:
     *
     * <pre>{@code
     * static Initramfs withTool() {
     *     return BusyboxInitramfs.create().withExitStatusHelper().withAgent().build()
     *             .file("/usr/bin/mytool", Path.of("target/mytool"), 0755);
     * }
     * }</pre>
     *
     * <p>It runs once per test run (the launcher's run, however many guests name it); its image is
     * stored by content ({@link io.github.bootkernel.kernels.StoredImages}), so an unchanged image
     * is written once. The guest has the command channel ({@link Guest#exec(String...)}) when the
     * image holds {@code bootkernel-agent}. Exclusive with {@link #initramfs()}.
     *
     * @return the method's name, or {@code ""} (the default) for none
     */
    String initramfsFactory() default "";

    /**
     * Host files and directories added to the initramfs, each {@code HOST:GUEST}: a host path
     * (relative to the working directory, which Maven sets to the module's directory) and an
     * absolute path in the guest, for example {@code "target/mytool:/usr/bin/mytool"} or
     * {@code "src/test/data:/data"}. A directory comes with everything below it; permission bits
     * are kept (see {@link io.github.bootkernel.kernels.initramfs.HostPath}). The files are read
     * when the guest starts and go into a second archive after the image of {@link #initramfs()} or
     * {@link #initramfsFactory()} (alone, if neither is set), whose entries of the same path they
     * replace; the composed image is stored once per content.
     *
     * @return the entries, none by default
     */
    String[] files() default {};

    /**
     * Words added to the kernel command line after
     * {@link io.github.bootkernel.engine.MachineConfig#DEFAULT_CMDLINE} ({@code console=ttyS0
     * reboot=k panic=-1} and the i8042 flags), so they win where the kernel takes the last value.
     *
     * @return extra command-line words, {@code ""} for none
     */
    String cmdline() default "";

    /**
     * Guest RAM.
     *
     * @return MiB, or 0 (the default) for
     *     {@link io.github.bootkernel.engine.MachineConfig#DEFAULT_MEMORY_MIB}
     */
    int memory() default 0;

    /**
     * How many vCPUs the guest has, {@value io.github.bootkernel.engine.MachineConfig#MIN_CPUS} to
     * {@value io.github.bootkernel.engine.MachineConfig#MAX_CPUS}: vCPU 0 boots the kernel, which
     * starts the others (it finds them in the MP table and the ACPI MADT); each is a thread of the
     * test's JVM. The kernel needs {@code CONFIG_SMP=y} for more than one (checked before the boot
     * when its configuration is known, see {@link #kernel()}); a kernel without it uses vCPU 0
     * alone. Any other value fails the test with the allowed range.
     *
     * @return vCPUs, or 0 (the default) for {@code bootkernel.cpus}, itself
     *     {@value io.github.bootkernel.engine.MachineConfig#DEFAULT_CPUS} by default
     */
    int cpus() default 0;

    /**
     * A line to wait for before the guest is handed over, as a regular expression found anywhere
     * in a line ({@link java.util.regex.Matcher#find()}; anchor it with {@code ^...$} for a whole
     * line), for example {@code "init: ready"}. If no such line arrives within
     * {@link #bootTimeout()}, the test fails with a message naming the pattern, how the guest
     * ended if it did, and the last console lines; a guest that ends first fails it at once.
     *
     * @return the pattern, or {@code ""} (the default) to hand the guest over at once
     */
    String awaitLine() default "";

    /**
     * Whether the guest is a copy-on-write clone of a snapshot instead of a boot of its own. The
     * first declaration of a configuration on this machine boots a <em>template</em> guest
     * to its {@link #awaitLine()}, where the template is snapshotted
     * ({@link io.github.bootkernel.engine.Machine#snapshot()}); it and every later declaration of
     * the same configuration get a clone ({@link io.github.bootkernel.engine.Snapshot#restore()}),
     * which runs on from the ready line instead of booting ({@code restore()} took 66 ms in a nested
     * VM against a 4.4 s boot, docs/performance.md; on hardware KVM estimated at 6-7 ms). Clones share
     * the template's memory until they write it, and see nothing of each other's writes.
     *
     * <pre>{@code
     * @Test
     * void writesAFile(@BootKernel(initramfs = "busybox", awaitLine = "init: ready", fromSnapshot = true) Guest guest)
     *         throws InterruptedException {
     *     assertThat(guest.sh("echo 1 > /tmp/f && cat /tmp/f")).succeeds().stdout().isEqualTo("1\n");
     * }
     * }</pre>
     *
     * <p><b>One template per configuration</b>: the kernel (path and content), the initramfs as
     * booted (path and content, {@link #files()} included), the whole command line,
     * {@link #memory()}, {@link #cpus()}, {@link #awaitLine()}, the KVM device: declarations that
     * differ in any of these get different templates. Each clone gets its own {@link #timeout()},
     * {@link #silenceTimeout()} and {@link #execTimeout()}, counted from its restore, and its own
     * {@link #failOnReports()}; the template boots with the first declaration's
     * {@link #bootTimeout()}, {@code timeout} and {@code silenceTimeout}. Per test or per class,
     * each declaration still gets its own clone. The templates live until the end of the test run
     * (the root extension context), which releases their snapshots.
     *
     * <p><b>What clones share</b>: everything in the template's RAM at the snapshot (the page cache,
     * process ids, the kernel's random pool; with the guest agent, each clone's pool is reseeded
     * and its wall clock set from the host before its first request, without it neither) and the
     * console's unfinished line at the snapshot. A clone's console starts at the snapshot: the
     * ready line and everything before it are not in {@link Guest#console()} (so a check for the
     * ready line fails on a clone); they are in the template's console file, which the failure
     * report names, and with the agent in the kernel log. The kernel reports the template printed while it booted
     * are in every clone's {@link Guest#kernelReports()}, first, and fail the tests of each clone as
     * the reports of a booted guest's boot would.
     *
     * <p><b>When the template fails</b> to reach its ready line (timeout, panic, end) or to be
     * snapshotted, the declaration that booted it fails with the reason and the template's console
     * tail, and so does every later declaration of that configuration, at once, without another
     * boot. Concurrent declarations of one configuration boot it once; the others wait for that
     * boot, at most its {@code bootTimeout} plus a minute.
     *
     * <p><b>Snapshot files</b>: the template is saved as a file in the snapshot cache
     * ({@code bootkernel.snapshotCache}, {@code ~/.cache/bootkernel/snapshots} by default), and a
     * later test run, another Surefire fork or another build loads it instead of booting, until an
     * input changes: the kernel or initramfs content, the command line, memory, vCPUs, the ready
     * line, the agent, or the host (its kernel and KVM). A file that cannot be used is replaced,
     * with a warning. A template whose boot printed kernel reports is not saved, so each run sees
     * them from its own boot. See {@code package-info} and the README for the details.
     *
     * @return true for a clone of the configuration's template; false (the default) for a boot of
     *     its own. With true, {@link #awaitLine()} is required: without it the test fails, the
     *     parameter or field unresolved, with an
     *     {@link org.junit.jupiter.api.extension.ExtensionConfigurationException} naming the
     *     declaration (for a parameter, the cause of JUnit's {@code ParameterResolutionException})
     */
    boolean fromSnapshot() default false;

    /**
     * How long to wait for {@link #awaitLine()}.
     *
     * @return seconds, or 0 (the default) for {@code bootkernel.bootTimeout}, itself 60 by default
     */
    int bootTimeout() default 0;

    /**
     * The guest's lifetime limit: after it the machine stops itself and the guest's end is
     * {@link io.github.bootkernel.engine.GuestExit.Kind#TIMEOUT}. It counts from the start (for a
     * clone, {@link #fromSnapshot()}, from its restore), so a guest per class needs one long enough
     * for all of its tests.
     *
     * @return seconds, or 0 (the default) for {@code bootkernel.timeout}, itself 300 by default
     */
    int timeout() default 0;

    /**
     * The silence watchdog: once the guest has printed nothing on its console for this long, the
     * machine stops it and its end is {@link io.github.bootkernel.engine.GuestExit.Kind#SILENT},
     * naming the last line and how long ago it came, so a hang fails at once and says where the
     * guest went quiet. A guest that is quiet on purpose (a shell waiting between the tests of a
     * guest per class, a command that prints nothing) is silent too: choose the time accordingly.
     *
     * @return seconds, or 0 (the default) for {@code bootkernel.silenceTimeout}, itself off by
     *     default
     */
    int silenceTimeout() default 0;

    /**
     * The time limit of each command and file copy through {@link Guest#exec(String...)} and its
     * siblings, unless a request sets its own: after it the command is killed (its result says
     * {@link io.github.bootkernel.engine.agent.ExecResult#timedOut() timed out}) or the copy fails.
     * The wait for the agent to connect after boot counts toward the first request's limit.
     *
     * @return seconds, or 0 (the default) for {@code bootkernel.execTimeout}, itself 60 by default
     */
    int execTimeout() default 0;

    /**
     * The kinds of kernel report that fail the tests this guest belongs to: after each test (and
     * after all tests of a class, for a guest per class), a report of one of these kinds that the
     * guest printed since the last check fails that test, the report in the message and in the
     * failure log. Every report, allowed or not, is published as the report entry
     * {@code bootkernel.kernelReport}. Kind ids, separated by commas: {@code panic}, {@code oops},
     * {@code bug}, {@code warning}, {@code gpf}, {@code unable-to-handle}, {@code kasan},
     * {@code kmsan}, {@code kfence}, {@code kcsan}, {@code ubsan}, {@code hung-task},
     * {@code rcu-stall}, {@code soft-lockup}, {@code hard-lockup}, {@code lockdep},
     * {@code oom-kill} (see {@link io.github.bootkernel.engine.report.KernelReport.Kind}); or
     * {@code "none"} for a guest that crashes on purpose. Finer checks, with an allowlist by title:
     * {@link GuestAssert#hasNoKernelReports()}.
     *
     * @return the kinds, or {@code ""} (the default) for {@code bootkernel.failOnReports}, itself
     *     {@code panic,oops,bug,gpf,unable-to-handle,kasan,kmsan,kfence} by default
     */
    String failOnReports() default "";
}
