package io.github.bootkernel.bench.suite;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs {@link TwentyGuests} through the JUnit Platform launcher, as a build tool's test JVM would:
 * {@code java -cp CLASSPATH io.github.bootkernel.bench.suite.SuiteMain KERNEL_ID INITRAMFS}. Exits with 0 when
 * all {@value TwentyGuests#TESTS} tests succeeded, else 1 after printing the failures.
 */
public final class SuiteMain {

    private SuiteMain() {
    }

    /**
     * @param args the kernel id and the benchmark image's path
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: SuiteMain KERNEL_ID INITRAMFS");
            System.exit(2);
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(TwentyGuests.class))
                .configurationParameter("bootkernel.kernel", args[0])
                .configurationParameter("bootkernel.initramfs." + TwentyGuests.IMAGE, args[1])
                .configurationParameter("bootkernel.requireKvm", "true")
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printTo(out);
        if (summary.getTestsSucceededCount() != TwentyGuests.TESTS || summary.getTotalFailureCount() != 0) {
            summary.printFailuresTo(out, 20);
            System.exit(1);
        }
        System.exit(0);
    }
}
