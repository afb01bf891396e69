package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.displayName;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Events;

/**
 * With several kernels configured, {@link KernelTest} methods and {@link KernelMatrix} classes run
 * once per kernel, named after it. The two kernels are the probe under two ids (and a path).
 */
class KernelMatrixTest {

    private static final String[] TWO_KERNELS = {
        Settings.KERNELS, "probe-a, probe-b",
        Settings.KERNEL_ID_PREFIX + "probe-a", TestKit.probePath(),
        Settings.KERNEL_ID_PREFIX + "probe-b", TestKit.probePath(),
    };

    @BeforeEach
    void clear() {
        MatrixMethod.kernels.clear();
        MatrixMethod.named.clear();
        MatrixClass.kernels.clear();
        MatrixClass.shared.clear();
        NamedMatrix.kernels.clear();
        Plain.kernels.clear();
    }

    @Test
    void kernelTestRunsOncePerKernelNamedAfterIt() {
        Events events = TestKit.run(MatrixMethod.class, TWO_KERNELS).testEvents();

        events.assertStatistics(s -> s.started(4).succeeded(4));
        events.assertThatEvents()
                .haveExactly(1, event(test("boots"), displayName("probe-a"), finishedSuccessfully()))
                .haveExactly(1, event(test("boots"), displayName("probe-b"), finishedSuccessfully()));
        assertThat(MatrixMethod.kernels).containsExactly("probe-a", "probe-b");
        assertThat(MatrixMethod.named).as("a kernel named in @BootKernel wins").containsExactly("probe", "probe");
    }

    @Test
    void kernelMatrixRunsTheWholeClassOncePerKernel() {
        EngineExecutionResults results = TestKit.run(MatrixClass.class, TWO_KERNELS);

        results.testEvents().assertStatistics(s -> s.started(4).succeeded(4));
        results.containerEvents().assertThatEvents()
                .haveExactly(1, event(displayName("probe-a"), finishedSuccessfully()))
                .haveExactly(1, event(displayName("probe-b"), finishedSuccessfully()));
        assertThat(MatrixClass.kernels).containsExactly("probe-a", "probe-a", "probe-b", "probe-b");
        assertThat(MatrixClass.shared).hasSize(4);
        assertThat(MatrixClass.shared.get(0)).isSameAs(MatrixClass.shared.get(1))
                .isNotSameAs(MatrixClass.shared.get(2));
        assertThat(MatrixClass.shared.get(2)).isSameAs(MatrixClass.shared.get(3));
    }

    @Test
    void aMatrixThatNamesItsKernelsRunsOverThoseWhateverIsConfigured() {
        EngineExecutionResults results = TestKit.run(NamedMatrix.class, TWO_KERNELS);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        results.containerEvents().assertThatEvents()
                .haveExactly(1, event(displayName("probe-b"), finishedSuccessfully()))
                .haveExactly(1, event(displayName("probe"), finishedSuccessfully()));
        assertThat(NamedMatrix.kernels).containsExactly("probe-b", "probe");
    }

    @Test
    void beforeAllParameterOfAMatrixClassIsNotPerKernel() {
        Events events = TestKit.run(MatrixBeforeAll.class, TWO_KERNELS).containerEvents();

        events.assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m ->
                m.contains("belongs to the whole class template, not to one of its runs (@BeforeAll runs once for all"
                        + " kernels): use a static @BootKernel field")))));
    }

    @Test
    void pathsAreNamedByTheirFileName() {
        Path probe = Path.of(TestKit.probePath());
        Events events = TestKit.run(MatrixMethod.class, Settings.KERNELS, probe + ",probe").testEvents();

        events.assertThatEvents()
                .haveExactly(1, event(test("boots"), displayName(probe.getFileName().toString()), finishedSuccessfully()))
                .haveExactly(1, event(test("boots"), displayName("probe"), finishedSuccessfully()));
    }

    @Test
    void ordinaryTestWithoutAKernelFailsWhenSeveralAreConfigured() {
        Events events = TestKit.run(Plain.class, TWO_KERNELS).testEvents();

        events.assertThatEvents().haveExactly(1, event(test("boots"), finishedWithFailure(message(m ->
                m.contains("bootkernel.kernels names 2 kernels (probe-a, probe-b), but parameter #0 of "
                        + Plain.class.getName() + ".boots(Guest) is not in a kernel matrix")
                        && m.contains("@KernelTest instead of @Test")))));
    }

    @Test
    void ordinaryTestUsesTheConfiguredKernel() {
        TestKit.run(Plain.class, Settings.KERNEL, "probe").testEvents().assertStatistics(s -> s.succeeded(1));

        assertThat(Plain.kernels).containsExactly("probe");
    }

    @TestKitOnly
    static class MatrixMethod {
        static final List<String> kernels = new CopyOnWriteArrayList<>();
        static final List<String> named = new CopyOnWriteArrayList<>();

        @KernelTest
        void boots(@BootKernel(cmdline = "probe.exit=0") Guest guest) {
            kernels.add(guest.kernelName());
        }

        @KernelTest
        void namedKernelWins(@BootKernel(kernel = "probe", cmdline = "probe.exit=0") Guest guest) {
            named.add(guest.kernelName());
        }
    }

    @TestKitOnly
    @KernelMatrix
    static class MatrixClass {
        static final List<String> kernels = new CopyOnWriteArrayList<>();
        static final List<Guest> shared = new CopyOnWriteArrayList<>();

        @BootKernel(cmdline = "probe.hlt")
        static Guest guest;

        @Test
        void first(@BootKernel(cmdline = "probe.exit=0") Guest own) {
            record(own);
        }

        @Test
        void second(@BootKernel(cmdline = "probe.exit=0") Guest own) {
            record(own);
        }

        private static void record(Guest own) {
            assertThat(own.kernelName()).isEqualTo(guest.kernelName());
            kernels.add(guest.kernelName());
            shared.add(guest);
        }
    }

    @TestKitOnly
    @KernelMatrix({"probe-b", "probe"})
    static class NamedMatrix {
        static final List<String> kernels = new CopyOnWriteArrayList<>();

        @BootKernel(cmdline = "probe.hlt")
        static Guest guest;

        @Test
        void boots() {
            kernels.add(guest.kernelName());
        }
    }

    @TestKitOnly
    @KernelMatrix
    static class MatrixBeforeAll {
        @BeforeAll
        static void boot(@BootKernel Guest guest) {
        }

        @Test
        void test() {
        }
    }

    @TestKitOnly
    static class Plain {
        static final List<String> kernels = new CopyOnWriteArrayList<>();

        @Test
        void boots(@BootKernel(cmdline = "probe.exit=0") Guest guest) {
            kernels.add(guest.kernelName());
        }
    }
}
