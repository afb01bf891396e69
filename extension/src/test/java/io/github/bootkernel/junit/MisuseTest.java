package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.Events;

/** Misuse fails with a message that names the element and the fix. */
class MisuseTest {

    @Test
    void fieldOfAnotherTypeFailsTheClass() {
        Events events = TestKit.run(WrongFieldType.class).containerEvents();

        events.assertThatEvents().haveExactly(1, event(container(WrongFieldType.class), finishedWithFailure(message(m ->
                m.contains("@BootKernel field " + WrongFieldType.class.getName() + ".guest must be of type "
                        + Guest.class.getName() + ", not java.lang.String")
                        && m.contains("declare it as 'Guest guest'")))));
    }

    @Test
    void finalFieldFailsTheClass() {
        Events events = TestKit.run(FinalField.class).containerEvents();

        events.assertThatEvents().haveExactly(1, event(container(FinalField.class), finishedWithFailure(message(m ->
                m.contains("@BootKernel field " + FinalField.class.getName() + ".guest must not be final")
                        && m.contains("remove 'final'")))));
    }

    @Test
    void constructorParameterFailsTheTest() {
        Events events = TestKit.run(ConstructorParameter.class).testEvents();

        events.assertThatEvents().haveExactly(1, event(test("test"), finishedWithFailure(message(m ->
                m.contains("@BootKernel is not supported on constructor parameters (parameter #0 of "
                        + ConstructorParameter.class.getName() + "(Guest))")
                        && m.contains("static field or @BeforeAll parameter")))));
    }

    @Test
    void parameterOfAnotherTypeFailsTheTest() {
        Events events = TestKit.run(WrongParameterType.class).testEvents();

        events.assertThatEvents().haveExactly(1, event(test("test"), finishedWithFailure(message(m ->
                m.contains("@BootKernel parameter #0 of " + WrongParameterType.class.getName()
                        + ".test(Object) must be of type " + Guest.class.getName() + ", not java.lang.Object")))));
    }

    @Test
    void unknownKernelIdNamesTheBuiltInIdsAndHowToDefineOne() {
        Events events = TestKit.run(UnknownKernel.class).testEvents();

        events.assertThatEvents().haveExactly(1, event(test("test"), finishedWithFailure(message(m ->
                m.contains("unknown kernel 'no-such-kernel'") && m.contains("probe, debian-cloud, debian-generic, tiny and tiny-kunit")
                        && m.contains("bootkernel.kernel.no-such-kernel=PATH")))));
    }

    @Test
    void fileThatIsNoKernelNamesTheFile() {
        Events events = TestKit.run(NotAKernel.class).testEvents();

        events.assertThatEvents().haveExactly(1, event(test("test"), finishedWithFailure(message(m ->
                m.contains("cannot boot kernel pom.xml") && m.contains("kernel pom.xml: ")))));
        assertThat(events.failed().count()).isOne();
    }

    @TestKitOnly
    static class WrongFieldType {
        @BootKernel(kernel = "probe")
        String guest;

        @Test
        void test() {
        }
    }

    @TestKitOnly
    static class FinalField {
        @BootKernel(kernel = "probe")
        final Guest guest = null;

        @Test
        void test() {
        }
    }

    @TestKitOnly
    static class ConstructorParameter {
        ConstructorParameter(@BootKernel(kernel = "probe") Guest guest) {
        }

        @Test
        void test() {
        }
    }

    @TestKitOnly
    static class WrongParameterType {
        @Test
        void test(@BootKernel(kernel = "probe") Object guest) {
        }
    }

    @TestKitOnly
    static class UnknownKernel {
        @Test
        void test(@BootKernel(kernel = "no-such-kernel") Guest guest) {
        }
    }

    @TestKitOnly
    static class NotAKernel {
        @Test
        void test(@BootKernel(kernel = "pom.xml") Guest guest) {
        }
    }
}
