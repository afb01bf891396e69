package io.github.bootkernel.junit;

import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.Events;

/**
 * Without a usable KVM a test that needs a guest is aborted with the reason, or fails when KVM is
 * required. A missing device is simulated with {@code bootkernel.kvmDevice}.
 */
class KvmPolicyTest {

    private static final String MISSING = "/nonexistent/kvm";

    @Test
    void testIsAbortedWithTheReasonWhenKvmIsNotRequired() {
        Events events = TestKit.run(NeedsGuest.class, Settings.KVM_DEVICE, MISSING).testEvents();

        events.assertThatEvents()
                .haveExactly(1, event(test("withGuest"), abortedWithReason(message(m ->
                        m.contains("KVM is unusable, so the guests of withGuest(Guest) cannot boot: " + MISSING
                                + " does not exist")
                                && m.contains("set bootkernel.requireKvm=true to fail instead of abort")))))
                .haveExactly(1, event(test("withoutGuest"), finishedSuccessfully()));
    }

    @Test
    void testFailsWhenKvmIsRequired() {
        Events events = TestKit.run(NeedsGuest.class, Settings.KVM_DEVICE, MISSING, Settings.REQUIRE_KVM, "true")
                .testEvents();

        events.assertThatEvents()
                .haveExactly(1, event(test("withGuest"), finishedWithFailure(message(m ->
                        m.startsWith("KVM is required (bootkernel.requireKvm=true or CI=true) but unusable")
                                && m.contains(MISSING + " does not exist")))))
                .haveExactly(1, event(test("withoutGuest"), finishedSuccessfully()));
    }

    @Test
    void classWithAGuestPerClassIsAborted() {
        Events events = TestKit.run(NeedsClassGuest.class, Settings.KVM_DEVICE, MISSING).containerEvents();

        events.assertThatEvents().haveExactly(1, event(container(NeedsClassGuest.class), abortedWithReason(message(m ->
                m.contains("KVM is unusable, so the guests of " + NeedsClassGuest.class.getName() + " cannot boot")))));
    }

    @Test
    void instanceFieldAbortsEveryTest() {
        Events events = TestKit.run(NeedsFieldGuest.class, Settings.KVM_DEVICE, MISSING).testEvents();

        events.assertStatistics(s -> s.started(2).aborted(2));
    }

    @TestKitOnly
    static class NeedsGuest {
        @Test
        void withGuest(@BootKernel(kernel = "probe") Guest guest) {
        }

        @Test
        void withoutGuest() {
        }
    }

    @TestKitOnly
    static class NeedsClassGuest {
        static Guest guest;

        @BeforeAll
        static void boot(@BootKernel(kernel = "probe") Guest booted) {
            guest = booted;
        }

        @Test
        void test() {
        }
    }

    @TestKitOnly
    static class NeedsFieldGuest {
        @BootKernel(kernel = "probe")
        Guest guest;

        @Test
        void first() {
        }

        @Test
        void second() {
        }
    }
}
