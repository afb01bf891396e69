package io.github.bootkernel.junit;

import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.report.KernelReport;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.MediaType;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Writes the full console of every guest a failed test could see (its own and its class's) to
 * {@code <reportDir>/<test id>.log} and attaches the file to the test. For a clone
 * ({@link BootKernel#fromSnapshot()}) it says so and of which snapshot: the template's
 * configuration, when the snapshot was taken, how long the template's boot took, and the file
 * holding the template's boot console ({@code <reportDir>/templates/template-<pid>-N-<kernel>.log},
 * written the first time a report needs it). Attached as a report entry
 * {@code bootkernel.console} with its path, and {@link ExtensionContext#publishFile} when the
 * launcher has an output directory. When a guest's kernel log holds records, their kernel logs go
 * to {@code <test id>.kmsg.log} beside it ({@link KernelLogFile}), attached the same way as
 * {@code bootkernel.kernelLog}.
 */
final class FailureReport {

    private static final System.Logger LOG = System.getLogger(FailureReport.class.getName());
    private static final int MAX_NAME = 200;

    private FailureReport() {
    }

    /** Writes the report if the context failed (an abort is not a failure) and saw a guest. */
    static void writeIfFailed(ExtensionContext context, List<Guest> guests) {
        writeIfFailed(context, guests, null);
    }

    /**
     * Writes the report if the context failed or {@code failing} fails it now (the kernel report
     * policy, from the same callback), and saw a guest.
     */
    static void writeIfFailed(ExtensionContext context, List<Guest> guests, Throwable failing) {
        Throwable failure = context.getExecutionException().orElse(failing);
        if (failure == null || failure instanceof TestAbortedException || guests.isEmpty()) {
            return;
        }
        String id = testId(context);
        Path file = Settings.reportDir(context).resolve(id + ".log");
        attach(context, "bootkernel.console", file, render(context, guests, failure));
        if (guests.stream().anyMatch(g -> !g.kernelLog().records().isEmpty())) {
            attach(context, "bootkernel.kernelLog", file.resolveSibling(id + ".kmsg.log"),
                    KernelLogFile.render(context, guests));
        }
    }

    /** Writes {@code text} to {@code file} and attaches it to the test under {@code key}. */
    private static void attach(ExtensionContext context, String key, Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write the bootkernel report " + file, e);
            return;
        }
        context.publishReportEntry(key, file.toAbsolutePath().toString());
        try {
            context.publishFile(file.getFileName().toString(), MediaType.TEXT_PLAIN_UTF_8,
                    target -> Files.copy(file, target));
        } catch (RuntimeException e) {
            // The launcher may have no output directory (the default of the test kit); the file
            // in the report directory and the report entry remain.
            LOG.log(System.Logger.Level.DEBUG, "publishFile unavailable for " + file, e);
        }
    }

    private static String render(ExtensionContext context, List<Guest> guests, Throwable failure) {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(context.getUniqueId()).append('\n');
        out.append("# failed: ").append(failure).append('\n');
        for (Guest guest : guests) {
            MachineConfig config = guest.config();
            out.append("\n=== ").append(guest).append('\n');
            out.append("kernel:  ").append(config.kernel()).append('\n');
            out.append("initrd:  ").append(config.initrd().map(Path::toString).orElse("none")).append('\n');
            out.append("cmdline: ").append(config.cmdline()).append('\n');
            out.append("memory:  ").append(config.memoryMiB()).append(" MiB\n");
            out.append("cpus:    ").append(config.cpus()).append(config.cpus() == 1 ? " vCPU\n" : " vCPUs\n");
            out.append("end:     ").append(guest.exit().map(Object::toString).orElse("still running")).append('\n');
            guest.template().ifPresent(t -> out.append(t.describe(Settings.reportDir(context))));
            out.append("phases:  ").append(guest.machine().bootPhases())
                    .append(guest.template().isPresent() ? " (from the clone's restore)\n" : " (from the machine's start)\n");
            for (KernelReport report : guest.kernelReports()) {
                out.append("report:  ").append(report.summary()).append(" (").append(report.location())
                        .append(guest.fromTemplateBoot(report) ? " of the template's boot" : "")
                        .append(guest.reportPolicy().fails(report) ? ")" : ", allowed)").append('\n');
            }
            long dropped = guest.console().droppedLines();
            out.append("=== console").append(dropped > 0 ? " (the first " + dropped + " lines were dropped)" : "")
                    .append(":\n");
            String text = guest.console().text();
            out.append(text);
            if (!text.isEmpty() && !text.endsWith("\n")) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /**
     * A file name for a test: the class name, the method name, and the display names of template
     * invocations (the kernel of a matrix), for example
     * {@code com.example.BootTest.reachesInit[debian-cloud]}.
     */
    static String testId(ExtensionContext context) {
        Deque<ExtensionContext> chain = new ArrayDeque<>();
        for (ExtensionContext c = context; c.getParent().isPresent(); c = c.getParent().get()) {
            chain.push(c);
        }
        StringBuilder id = new StringBuilder();
        Class<?> currentClass = null;
        Method currentMethod = null;
        for (ExtensionContext c : chain) {
            Class<?> testClass = c.getTestClass().orElse(null);
            Method method = c.getTestMethod().orElse(null);
            if (method != null) {
                id.append(method.equals(currentMethod) ? "[" + c.getDisplayName() + "]" : "." + method.getName());
                currentMethod = method;
            } else if (testClass != null && !testClass.equals(currentClass)) {
                if (currentClass != null && testClass.getEnclosingClass() == currentClass) {
                    id.append('$').append(testClass.getSimpleName());
                } else {
                    id.setLength(0);
                    id.append(testClass.getName());
                }
                currentClass = testClass;
            } else if (testClass != null) {
                id.append('[').append(c.getDisplayName()).append(']');
            }
        }
        String name = id.toString().replaceAll("[^A-Za-z0-9._$\\[\\]-]", "_");
        if (name.length() > MAX_NAME) {
            name = name.substring(0, MAX_NAME) + "-" + Integer.toHexString(name.hashCode());
        }
        return name;
    }
}
