/**
 * JUnit Jupiter support for bootkernel: {@link io.github.bootkernel.junit.BootKernel @BootKernel}
 * injects a booted {@link io.github.bootkernel.junit.Guest}, and
 * {@link io.github.bootkernel.junit.GuestAssertions} asserts on its console, its end and the
 * commands it ran.
 *
 * <pre>{@code
 * @Test
 * void printsBannerAndReachesInit(@BootKernel(initramfs = "busybox", cmdline = "quiet") Guest guest) {
 *     assertThat(guest.console()).emitsWithin(Duration.ofSeconds(30), "init: ready");
 *     assertThat(guest.console()).doesNotContainPanic();
 * }
 * }</pre>
 *
 * <h2>Configuration</h2>
 * Keys are JUnit configuration parameters: set them with {@code -Dkey=value} (Surefire passes
 * system properties through), in {@code src/test/resources/junit-platform.properties}, or as
 * launcher parameters.
 * <table>
 *   <caption>Configuration keys</caption>
 *   <tr><th>Key</th><th>Meaning</th><th>Default</th></tr>
 *   <tr><td>{@code bootkernel.kernel}</td><td>the kernel, id or path, of every guest that names
 *       none</td><td>{@code debian-cloud}</td></tr>
 *   <tr><td>{@code bootkernel.kernels}</td><td>several kernels, comma-separated; tests marked
 *       {@link io.github.bootkernel.junit.KernelTest @KernelTest} and classes marked
 *       {@link io.github.bootkernel.junit.KernelMatrix @KernelMatrix} run once per kernel; an
 *       ordinary test whose guest names no kernel fails, saying so</td><td>unset: the single
 *       {@code bootkernel.kernel}</td></tr>
 *   <tr><td>{@code bootkernel.kernel.<id>}</td><td>defines a kernel id: its bzImage path</td>
 *       <td></td></tr>
 *   <tr><td>{@code bootkernel.initramfs.<id>}</td><td>defines an initramfs id: its cpio path</td>
 *       <td></td></tr>
 *   <tr><td>{@code bootkernel.requireKvm}</td><td>{@code true}: a test fails when KVM is
 *       unusable, instead of being aborted</td><td>{@code true} if the environment has
 *       {@code CI=true}, else {@code false}</td></tr>
 *   <tr><td>{@code bootkernel.kvmDevice}</td><td>the KVM device node guests use, checked before
 *       a guest starts (tests point it at a missing file to simulate a host without KVM)</td>
 *       <td>{@code /dev/kvm}</td></tr>
 *   <tr><td>{@code bootkernel.reportDir}</td><td>where failed tests' consoles are written, as
 *       {@code <test id>.log}, and their kernel logs, as {@code <test id>.kmsg.log}; relative to
 *       the working directory</td>
 *       <td>{@code target/bootkernel}</td></tr>
 *   <tr><td>{@code bootkernel.bootTimeout}</td><td>seconds to wait for
 *       {@link io.github.bootkernel.junit.BootKernel#awaitLine()} when the annotation sets
 *       none</td><td>60</td></tr>
 *   <tr><td>{@code bootkernel.timeout}</td><td>seconds a guest may live when the annotation sets
 *       no {@link io.github.bootkernel.junit.BootKernel#timeout()}</td><td>300</td></tr>
 *   <tr><td>{@code bootkernel.execTimeout}</td><td>seconds a command or file copy through the
 *       guest agent may take when neither the request nor the annotation
 *       ({@link io.github.bootkernel.junit.BootKernel#execTimeout()}) sets a limit</td><td>60</td></tr>
 *   <tr><td>{@code bootkernel.failOnReports}</td><td>the kinds of kernel report that fail a test
 *       whose guest printed one, when the annotation names none
 *       ({@link io.github.bootkernel.junit.BootKernel#failOnReports()}): kind ids separated by
 *       commas, or {@code none}</td><td>{@code panic,oops,bug,gpf,unable-to-handle,kasan,kmsan,kfence}</td></tr>
 *   <tr><td>{@code bootkernel.silenceTimeout}</td><td>seconds a guest may print nothing on its
 *       console before it is stopped as {@code SILENT}, when the annotation sets no
 *       {@link io.github.bootkernel.junit.BootKernel#silenceTimeout()}</td><td>off</td></tr>
 *   <tr><td>{@code bootkernel.cpus}</td><td>the vCPUs of a guest whose annotation sets no
 *       {@link io.github.bootkernel.junit.BootKernel#cpus()}: 1 to 64</td><td>1</td></tr>
 *   <tr><td>{@code bootkernel.snapshotCache}</td><td>where the template guests of
 *       {@link io.github.bootkernel.junit.BootKernel#fromSnapshot()} are saved as snapshot files
 *       and loaded from in later runs and other JVMs: {@code true} for
 *       {@code <bootkernel cache>/snapshots} (the cache is {@code ~/.cache/bootkernel}, moved by
 *       {@code -Dbootkernel.cache}), a directory, or {@code false} to neither read nor write
 *       files (a template then boots once per launcher run)</td><td>{@code true}</td></tr>
 * </table>
 *
 * <p>Built-in kernel ids: {@code probe} (a tiny test double from the {@code kernels} module,
 * <b>not Linux</b>: it boots in milliseconds on any KVM and acts on command-line words such as
 * {@code probe.echo} or {@code probe.exit=N}), {@code debian-cloud} and {@code debian-generic}
 * (Debian's kernels, fetched through apt into {@code ~/.cache/bootkernel} on first use),
 * {@code tiny} and {@code tiny-kunit} (about 1 MB kernels built from Debian's kernel source on first
 * use; {@code tiny-kunit} prints KUnit's KTAP results at boot). Built-in initramfs id:
 * {@code busybox} (also {@code busybox-initramfs}). A configured {@code bootkernel.kernel.<id>} overrides a built-in
 * id of the same name. Anything else containing a {@code /}, or naming an existing file, is a
 * path.
 *
 * <h2>Kernel configuration</h2>
 * A kernel's configuration is known when the kernels module keeps it (Debian's and the tiny
 * kernels: {@code CatalogItem.config()}) or a file lies beside the kernel
 * ({@code KernelConfig.fileBeside}: {@code config-<version>} beside {@code vmlinuz-<version>},
 * {@code config}, {@code <kernel>.config}, a kernel tree's {@code .config}). Then, before a guest
 * boots, the extension checks that the kernel has what the guest needs (the 8250 serial console;
 * initramfs support with an initramfs; a second UART when the image starts the guest agent) and
 * otherwise fails with a {@link io.github.bootkernel.junit.MissingKernelOptionException} naming
 * the option and the kernel. A kernel whose configuration is unknown boots unchecked.
 * {@link io.github.bootkernel.junit.RequiresKernelConfig @RequiresKernelConfig}{@code ("KUNIT")} on
 * a class or test skips it, with the reason, on kernels without the options (each run of a kernel
 * matrix decides for itself).
 *
 * <h2>Commands and files</h2>
 * A guest whose image starts {@code bootkernel-agent} (the built-in {@code busybox} image does)
 * runs programs and copies files over its second serial port:
 * {@link io.github.bootkernel.junit.Guest#exec(String...)}, {@code sh(String)},
 * {@code copyToGuest}, {@code copyFromGuest}; {@link io.github.bootkernel.junit.ExecResultAssert}
 * asserts on the results. {@link io.github.bootkernel.junit.BootKernel#files()} and
 * {@link io.github.bootkernel.junit.BootKernel#initramfsFactory()} compose the image from the test.
 *
 * <h2>KUnit and kselftest results as JUnit tests</h2>
 * {@link io.github.bootkernel.junit.KtapTests#of(Guest)}, returned from a
 * {@code @TestFactory}, turns the KTAP a guest prints into dynamic tests: a container per suite, a
 * test per case, failed cases with their diagnostic lines, skipped ones aborted with the reason,
 * and cases whose result never came (the kernel crashed or hung) failed as crashed.
 *
 * <h2>When a test fails</h2>
 * The full console of every guest the test could see (its own and its class's), with the kernel,
 * command line and how the guest ended, goes to {@code target/bootkernel/<test id>.log}; the path
 * is published as the report entry {@code bootkernel.console}, and the file is attached with
 * {@code ExtensionContext.publishFile} when the launcher has an output directory. The guests'
 * kernel logs ({@link io.github.bootkernel.junit.Guest#kernelLog()}), when the agent streamed
 * them, go to {@code <test id>.kmsg.log} beside it (report entry {@code bootkernel.kernelLog}).
 * Assertion messages end with the last 30 console lines (for a kernel log, its last 20 records).
 *
 * <h2>Kernel reports</h2>
 * Panics, oopses, {@code BUG:}, {@code WARNING:}, sanitizer reports, hung tasks, stalls, lockups,
 * lockdep splats and OOM kills are found on the console as the kernel prints them, and in its
 * log through the agent ({@link io.github.bootkernel.junit.Guest#kernelReports()}). After each test, every report a
 * guest printed during it is published as the report entry {@code bootkernel.kernelReport}, and
 * one of the kinds of {@code failOnReports} fails the test with the report in the message and the
 * log (so a test that passes while its kernel oopsed still fails); a guest that crashes on purpose
 * sets {@code failOnReports = "none"}. {@link io.github.bootkernel.junit.GuestAssert#hasNoKernelReports()}
 * checks all kinds, with an allowlist by kind and title.
 *
 * <h2>Where the time went</h2>
 * Every guest's boot phases ({@link io.github.bootkernel.engine.BootPhases}: monitor ready, first
 * console byte, the kernel's {@code Run /init} line, the
 * {@link io.github.bootkernel.junit.BootKernel#awaitLine()} line, end) are published as the report
 * entry {@code bootkernel.phases} of the test or class the guest belongs to, when that ends
 * (Surefire shows report entries in the test's output), and written in the failure log.
 *
 * <h2>Clones of a snapshot: boot once per configuration</h2>
 * {@code @BootKernel(..., awaitLine = "init: ready", fromSnapshot = true)} gives a copy-on-write
 * clone instead of a boot: the first such declaration of a configuration (kernel and initramfs by
 * path and content, command line, memory, vCPUs, ready line) boots a template guest to its
 * {@code awaitLine} and snapshots it there; that declaration and every later one with the same
 * configuration get a clone of the snapshot, which starts at the ready line (see
 * {@link io.github.bootkernel.junit.BootKernel#fromSnapshot()} for the rules). The templates live
 * in the root extension context's store, one per configuration for the whole test run, and are
 * released when it ends; concurrent tests boot a template once. The test or class that booted a
 * template publishes the report entry {@code bootkernel.template} (its boot time, the snapshot,
 * the configuration); {@link io.github.bootkernel.junit.Guest#clonedFrom()} names a clone's
 * snapshot. A template that fails to boot fails every test that asks for it, with the reason, its
 * console tail and {@code target/bootkernel/templates/template-N-<kernel>.log}, without booting
 * again. A failed test's report says its guest was a clone, of which snapshot, the template's
 * configuration, when the snapshot was taken, how long the boot took, and the file with the
 * template's boot console (written then). The kernel reports the template printed while booting
 * are in every clone's {@code kernelReports()} and judged after each clone's test as a booted
 * guest's boot reports are.
 *
 * <p>Templates are also kept as snapshot files in the snapshot cache
 * ({@code bootkernel.snapshotCache}, {@code ~/.cache/bootkernel/snapshots} by default), one entry
 * per configuration, with the kernel and initramfs by content, and per host (the host's kernel
 * and KVM, {@code Snapshot.hostIdentity}; a nested VM sharing the cache has entries of its own):
 * a later run, another Surefire fork or another build loads the file instead of booting, and its
 * {@code bootkernel.template} entry says from which file and how long the load took. A changed
 * kernel, initramfs, command line, memory, vCPU count, ready line or agent setting names another
 * entry. A file that cannot be used (damaged, written by another version) is replaced, with a
 * warning (the report entry {@code bootkernel.snapshotCache}, and the log); a file that cannot be
 * written is a warning too, never a failure. A template whose boot printed kernel reports is not
 * saved: each run sees them from its own boot. JVMs that miss one entry together boot it once (a
 * file lock beside it). After each save, entries not used for 14 days are deleted, then all but
 * the 16 most recently used. A failed clone's report names the file its template was loaded from,
 * when that template was taken and by which boot, and writes the boot console saved with it.
 *
 * <h2>Without KVM</h2>
 * When {@code /dev/kvm} is missing, not accessible, or lacks a capability the engine needs, tests
 * that need a guest are aborted (reported as skipped) with the reason; with {@code CI=true} or
 * {@code bootkernel.requireKvm=true} they fail instead, so CI cannot go green without running a
 * guest. A host whose {@code /dev/kvm} is PVM opens fine but boots only small or PVM-enabled
 * guests; a stock kernel there stalls, and the boot timeout fails the test with a message saying
 * so.
 *
 * <h2>Parallel execution</h2>
 * Guests are independent: each has its own virtual machine, vCPU thread and console, and each
 * belongs to one run (a test, a class, a {@link io.github.bootkernel.junit.KernelMatrix} run),
 * kept in that run's extension-context store (the busybox initramfs is built once per run under
 * the store's atomic {@code computeIfAbsent}). Tests may therefore run concurrently
 * ({@code junit.jupiter.execution.parallel.enabled=true}); each guest uses a vCPU thread and its
 * memory ({@code memory}, 256 MiB by default) while it runs, so bound the parallelism by the host's
 * cores and RAM. A per-class guest is shared by the class's tests: if they run concurrently, they
 * must not send input that interferes.
 *
 * <p>A field holds one guest at a time, so a {@code @BootKernel} field that several runs see is
 * held by one run at a time: a static field declared in a base class and inherited by several test
 * classes, the static field of a {@code @KernelMatrix} class (one run per kernel), an instance
 * field of a {@code @TestInstance(PER_CLASS)} instance. While a run's tests run, the field holds
 * that run's guest; when the run ends, the field gets back its value from before. Runs that may
 * overlap in time under JUnit's parallel execution cannot share such a field: the later one fails
 * with a message naming the field, both runs and the fix (declare the field in each class, or
 * {@code @ResourceLock("bootkernel:<declaring class>.<field>")} on the declaring class so that JUnit
 * runs them one at a time), every time, not only when the timing is unlucky. A
 * {@code @KernelMatrix} class holds that lock for its static fields by itself, so its runs follow
 * one another. No test is handed another run's guest.
 */
package io.github.bootkernel.junit;
