package io.github.bootkernel.junit;

import io.github.bootkernel.engine.BootImageException;
import io.github.bootkernel.engine.KvmUnavailableException;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.MachineException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;

/** Starts the guest for one {@link BootKernel} declaration and hands it to its scope. */
final class Boot {

    /** Store key of the kernel chosen by a {@link KernelTest} or {@link KernelMatrix} invocation. */
    static final String KERNEL_CHOICE = "kernel choice";

    private Boot() {
    }

    /**
     * Checks KVM, resolves the images, starts the machine, puts the guest into the context's store
     * (which closes it when the context ends) and, if asked, waits for the ready line.
     *
     * @param context the extension context of the guest's scope: a test or a class
     * @param spec the annotation
     * @param declaration the annotated element, in words, for messages
     * @return the running guest
     * @throws IllegalStateException if the thread is interrupted before the guest runs (it stays
     *     interrupted), or if the machine cannot start
     */
    static Guest start(ExtensionContext context, BootKernel spec, String declaration) {
        Pattern ready = readyPattern(spec, declaration);
        if (spec.fromSnapshot() && ready == null) {
            throw new ExtensionConfigurationException("@BootKernel(fromSnapshot = true) on " + declaration
                    + " needs awaitLine: the template guest is snapshotted when its ready line comes, and every clone"
                    + " starts there; name the line, for example awaitLine = \"init: ready\" for the busybox image");
        }
        if (Thread.currentThread().isInterrupted()) {
            throw interrupted(declaration, null);
        }
        KvmCheck.require(context, declaration);
        String entry = spec.kernel().isEmpty() ? chosenKernel(context, declaration) : spec.kernel();
        Images.Kernel kernel = Images.kernel(context, entry);
        GuestImage image = GuestImage.of(context, spec, declaration);
        int cpus = Settings.cpus(context, spec.cpus());
        try {
            // Before the kernel's configuration is checked: its advice (a kernel with a larger
            // NR_CPUS) cannot help a count the monitor refuses anyway.
            MachineConfig.requireCpus(cpus);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@BootKernel on " + declaration + ": " + e.getMessage(), e);
        }
        checkKernelConfig(context, kernel, image, spec.cmdline(), cpus, declaration);
        Duration execTimeout = Settings.seconds(context, spec.execTimeout(), Settings.EXEC_TIMEOUT,
                Settings.DEFAULT_EXEC_TIMEOUT);
        ReportPolicy reportPolicy = new ReportPolicy(Settings.failOnReports(context, spec.failOnReports(), declaration));
        MachineConfig config;
        try {
            config = MachineConfig.builder(kernel.path())
                    .initrd(image.path().orElse(null))
                    .agent(image.agent())
                    .appendCmdline(spec.cmdline())
                    .memoryMiB(spec.memory() > 0 ? spec.memory() : MachineConfig.DEFAULT_MEMORY_MIB)
                    .cpus(cpus)
                    .timeout(Settings.seconds(context, spec.timeout(), Settings.TIMEOUT, Settings.DEFAULT_TIMEOUT))
                    .silenceTimeout(Settings.seconds(context, spec.silenceTimeout(), Settings.SILENCE_TIMEOUT, null))
                    .readyLine(ready == null ? null : ready.pattern())
                    .kvmDevice(Settings.kvmDevice(context))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@BootKernel on " + declaration + ": " + e.getMessage(), e);
        }
        if (spec.fromSnapshot()) {
            Duration bootTimeout = Settings.seconds(context, spec.bootTimeout(), Settings.BOOT_TIMEOUT,
                    Settings.DEFAULT_BOOT_TIMEOUT);
            TemplateBoot template = Template.of(context, TemplateKey.of(context, config)).booted(context, config,
                    () -> startMachine(context, config, kernel, declaration), ready, bootTimeout, declaration,
                    kernel.name());
            Guest guest = new Guest(restore(context, template, config, declaration), kernel.name(), declaration,
                    execTimeout, reportPolicy, template);
            Guests.of(context).add(guest);
            return guest;
        }
        Guest guest = new Guest(startMachine(context, config, kernel, declaration), kernel.name(), declaration,
                execTimeout, reportPolicy, null);
        Guests.of(context).add(guest);
        if (ready != null) {
            awaitReady(guest, ready,
                    Settings.seconds(context, spec.bootTimeout(), Settings.BOOT_TIMEOUT, Settings.DEFAULT_BOOT_TIMEOUT));
        }
        return guest;
    }

    /**
     * Starts a machine for a declaration, its failures typed for JUnit: a kernel or image that
     * cannot boot is a configuration error, a host without usable KVM aborts (or fails) the test.
     */
    private static Machine startMachine(ExtensionContext context, MachineConfig config, Images.Kernel kernel,
                                        String declaration) {
        try {
            return Machine.start(config);
        } catch (BootImageException e) {
            throw new ExtensionConfigurationException("cannot boot kernel " + kernel.name() + " for " + declaration
                    + ": " + e.getMessage(), e);
        } catch (KvmUnavailableException e) {
            throw KvmCheck.unusable(context, declaration, e);
        } catch (MachineException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw interrupted(declaration, e);
            }
            throw new IllegalStateException("starting the virtual machine for " + declaration + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Starts a clone of the template for a declaration, with the declaration's own lifetime limit
     * and silence watchdog, counted from now.
     */
    private static Machine restore(ExtensionContext context, TemplateBoot template, MachineConfig config,
                                   String declaration) {
        if (Thread.currentThread().isInterrupted()) {
            throw interrupted(declaration, null);
        }
        try {
            return template.snapshot().restore(config.timeout().orElse(null), config.silenceTimeout().orElse(null));
        } catch (KvmUnavailableException e) {
            throw KvmCheck.unusable(context, declaration, e);
        } catch (MachineException | IllegalStateException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw interrupted(declaration, e);
            }
            throw new IllegalStateException("restoring a clone of " + template.name() + " for " + declaration
                    + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Fails before the boot when the kernel's configuration is known and lacks what the guest needs
     * ({@link GuestNeeds}); a kernel whose configuration is unknown boots unchecked.
     *
     * @throws MissingKernelOptionException naming the options and the kernel
     */
    private static void checkKernelConfig(ExtensionContext context, Images.Kernel kernel, GuestImage image,
                                          String cmdline, int cpus, String declaration) {
        KernelConfigs.Lookup lookup = KernelConfigs.of(context, kernel);
        if (lookup.config().isEmpty()) {
            return;
        }
        List<String> unmet = GuestNeeds.unmet(lookup.config().get(), image.path().isPresent(), image.agent(), cmdline,
                cpus);
        if (!unmet.isEmpty()) {
            throw new MissingKernelOptionException(kernel.name(), unmet, lookup.config().get().source(), declaration);
        }
    }

    /**
     * The failure for a test thread that is interrupted (by a timeout, a harness cancelling the
     * run) before its guest is running; the interrupt stays set for the test's own code.
     */
    private static IllegalStateException interrupted(String declaration, Throwable cause) {
        return new IllegalStateException("the test thread was interrupted before the guest for " + declaration
                + " started; no guest runs", cause);
    }

    private static Pattern readyPattern(BootKernel spec, String declaration) {
        if (spec.awaitLine().isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(spec.awaitLine());
        } catch (PatternSyntaxException e) {
            throw new ExtensionConfigurationException("@BootKernel(awaitLine = ...) on " + declaration
                    + " is not a valid regular expression: " + e.getMessage(), e);
        }
    }

    /**
     * The kernel for a declaration that names none: the one chosen by the enclosing matrix
     * invocation, else the single configured one.
     */
    private static String chosenKernel(ExtensionContext context, String declaration) {
        String chosen = context.getStore(Guests.NAMESPACE).get(KERNEL_CHOICE, String.class);
        if (chosen != null) {
            return chosen;
        }
        List<String> configured = Settings.kernels(context);
        if (configured.size() > 1 && context.getTestClass()
                .filter(c -> AnnotationSupport.isAnnotated(c, ClassTemplate.class)).isPresent()
                && context.getTestMethod().isEmpty()) {
            throw new ExtensionConfigurationException(Settings.KERNELS + " names " + configured.size()
                    + " kernels (" + String.join(", ", configured) + "), but " + declaration + " belongs to the"
                    + " whole class template, not to one of its runs (@BeforeAll runs once for all kernels): use a"
                    + " static @BootKernel field for a guest per class and kernel, or name a kernel with"
                    + " @BootKernel(kernel = \"...\")");
        }
        if (configured.size() > 1) {
            throw new ExtensionConfigurationException(Settings.KERNELS + " names " + configured.size()
                    + " kernels (" + String.join(", ", configured) + "), but " + declaration
                    + " is not in a kernel matrix: annotate the test method with @KernelTest instead of @Test, or"
                    + " the class with @KernelMatrix, to run it once per kernel; or name a kernel with"
                    + " @BootKernel(kernel = \"...\")");
        }
        return configured.get(0);
    }

    private static void awaitReady(Guest guest, Pattern ready, Duration timeout) {
        Optional<String> line;
        try {
            line = guest.console().awaitLine(ready, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError(ConsoleTail.append("interrupted while " + guest + " was booting, waiting"
                    + " for a line matching /" + ready + "/", guest.console()), e);
        }
        if (line.isEmpty()) {
            throw new AssertionFailedError(MissedLine.message(guest + " did not boot (bootTimeout): expecting", ready,
                    timeout, guest.console(), guest.exit()));
        }
    }
}
