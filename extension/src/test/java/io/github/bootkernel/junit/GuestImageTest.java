package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.kernels.StoredImages;
import io.github.bootkernel.kernels.initramfs.HostPath;
import io.github.bootkernel.kernels.initramfs.Initramfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The initramfs {@code @BootKernel} composes: host files appended to a named image, an image from
 * a factory method (run once per launcher run), whether the guest gets the agent, and the misuse
 * messages. The guests are the probe, which boots with any initrd.
 */
class GuestImageTest {

    static final String FILES = "src/test/resources/io/github/bootkernel/junit/files/";
    private static final String SMALL = FILES + "small.cpio";

    @BeforeEach
    void clear() {
        Seen.configs.clear();
        Factories.calls.set(0);
    }

    @Test
    void filesAreAppendedToTheNamedImageAsASecondArchiveStoredByContent() throws IOException {
        TestKit.run(Composed.class, Settings.INITRAMFS_ID_PREFIX + "small", SMALL).testEvents()
                .assertStatistics(s -> s.succeeded(2));

        Initramfs added = Initramfs.create();
        HostPath.parse(FILES + "hello.sh:/usr/bin/hello").addTo(added);
        HostPath.parse(FILES + "tree:/opt/tree").addTo(added);
        byte[] expected = StoredImages.concat(Files.readAllBytes(Path.of(SMALL)), added.toBytes());
        assertThat(added.paths()).contains("/usr/bin/hello", "/opt/tree/sub/data.txt");
        MachineConfig first = Seen.configs.get("first");
        assertThat(Files.readAllBytes(first.initrd().orElseThrow())).isEqualTo(expected);
        assertThat(Seen.configs.get("second").initrd()).as("the same image, stored once").isEqualTo(first.initrd());
        assertThat(first.agent()).as("a configured image is not known to start the agent").isFalse();
    }

    @Test
    void filesAloneMakeAnImageOfTheirOwn() throws IOException {
        TestKit.run(FilesAlone.class).testEvents().assertStatistics(s -> s.succeeded(1));

        Initramfs added = Initramfs.create();
        HostPath.parse(FILES + "hello.sh:/init").addTo(added);
        assertThat(Files.readAllBytes(Seen.configs.get("alone").initrd().orElseThrow())).isEqualTo(added.toBytes());
    }

    @Test
    void aFactoryRunsOnceForAllItsGuestsAndItsAgentIsSeen() throws IOException {
        TestKit.run(Factories.class).testEvents().assertStatistics(s -> s.succeeded(3));

        assertThat(Factories.calls).as("one call for two guests").hasValue(2); // withAgent and plain
        MachineConfig withAgent = Seen.configs.get("withAgent");
        assertThat(withAgent.agent()).isTrue();
        assertThat(Seen.configs.get("again").initrd()).isEqualTo(withAgent.initrd());
        assertThat(Files.readAllBytes(withAgent.initrd().orElseThrow())).isEqualTo(Factories.withAgent().toBytes());
        assertThat(Seen.configs.get("plain").agent()).isFalse();
    }

    @Test
    void theBusyboxImageStartsTheAgent() {
        TestKit.run(Busybox.class).testEvents().assertStatistics(s -> s.succeeded(1));

        assertThat(Seen.configs.get("busybox").agent()).isTrue();
    }

    @Test
    void misuseNamesTheDeclarationAndTheFix() {
        Events events = TestKit.run(Misuse.class).testEvents();

        String owner = Misuse.class.getName();
        events.assertThatEvents()
                .haveExactly(1, failed("both", "@BootKernel on parameter #0 of " + owner + ".both(Guest) names both"
                        + " initramfs = \"busybox\" and initramfsFactory = \"image\": keep one"))
                .haveExactly(1, failed("noSuchMethod", "@BootKernel(initramfsFactory = \"nothing\") on parameter #0 of "
                        + owner + ".noSuchMethod(Guest): " + owner + " has no method nothing() (a static method without"
                        + " parameters that returns an Initramfs)"))
                .haveExactly(1, failed("notStatic", owner + ".instance() must be static and return "
                        + Initramfs.class.getName()))
                .haveExactly(1, failed("noSuchClass", ": no class com.example.Missing"))
                .haveExactly(1, failed("notHostGuest", "@BootKernel(files = \"hello.sh\") on parameter #0 of " + owner
                        + ".notHostGuest(Guest): 'hello.sh' is not HOST:GUEST"))
                .haveExactly(1, failed("missingFile", ": no such file or directory: no-such-file (for"
                        + " no-such-file:/x)"));
    }

    private static Condition<Event> failed(String test, String message) {
        return event(test(test), finishedWithFailure(message(m -> m.contains(message))));
    }

    /** What each fixture test's guest booted. */
    static final class Seen {
        static final Map<String, MachineConfig> configs = new ConcurrentHashMap<>();
    }

    @TestKitOnly
    static class Composed {
        @Test
        void first(@BootKernel(kernel = "probe", cmdline = "probe.exit=0", initramfs = "small",
                files = {FILES + "hello.sh:/usr/bin/hello", FILES + "tree:/opt/tree"}) Guest guest) {
            Seen.configs.put("first", guest.config());
        }

        @Test
        void second(@BootKernel(kernel = "probe", cmdline = "probe.exit=0", initramfs = "small",
                files = {FILES + "hello.sh:/usr/bin/hello", FILES + "tree:/opt/tree"}) Guest guest) {
            Seen.configs.put("second", guest.config());
        }
    }

    @TestKitOnly
    static class FilesAlone {
        @Test
        void alone(@BootKernel(kernel = "probe", cmdline = "probe.exit=0", files = FILES + "hello.sh:/init")
                Guest guest) {
            Seen.configs.put("alone", guest.config());
        }
    }

    @TestKitOnly
    static class Factories {
        static final AtomicInteger calls = new AtomicInteger();

        static Initramfs withAgent() {
            calls.incrementAndGet();
            return Initramfs.create().script("/init", "#!/bin/sh\n").file(GuestImage.AGENT_PATH, new byte[] {1}, 0755);
        }

        static Initramfs plain() {
            calls.incrementAndGet();
            return Initramfs.create().script("/init", "#!/bin/sh\n");
        }

        @Test
        void withAgent(@BootKernel(kernel = "probe", cmdline = "probe.exit=0", initramfsFactory = "withAgent")
                Guest guest) {
            Seen.configs.put("withAgent", guest.config());
        }

        @Test
        void again(@BootKernel(kernel = "probe", cmdline = "probe.exit=0", initramfsFactory = "withAgent")
                Guest guest) {
            Seen.configs.put("again", guest.config());
        }

        @Test
        void plain(@BootKernel(kernel = "probe", cmdline = "probe.exit=0",
                initramfsFactory = "io.github.bootkernel.junit.GuestImageTest$Factories#plain") Guest guest) {
            Seen.configs.put("plain", guest.config());
        }
    }

    @TestKitOnly
    static class Busybox {
        @Test
        void busybox(@BootKernel(kernel = "probe", cmdline = "probe.exit=0", initramfs = "busybox") Guest guest) {
            Seen.configs.put("busybox", guest.config());
        }
    }

    @TestKitOnly
    static class Misuse {
        Initramfs instance() {
            return Initramfs.create();
        }

        static Initramfs image() {
            return Initramfs.create();
        }

        @Test
        void both(@BootKernel(kernel = "probe", initramfs = "busybox", initramfsFactory = "image") Guest guest) {
        }

        @Test
        void noSuchMethod(@BootKernel(kernel = "probe", initramfsFactory = "nothing") Guest guest) {
        }

        @Test
        void notStatic(@BootKernel(kernel = "probe", initramfsFactory = "instance") Guest guest) {
        }

        @Test
        void noSuchClass(@BootKernel(kernel = "probe", initramfsFactory = "com.example.Missing#image") Guest guest) {
        }

        @Test
        void notHostGuest(@BootKernel(kernel = "probe", files = "hello.sh") Guest guest) {
        }

        @Test
        void missingFile(@BootKernel(kernel = "probe", files = "no-such-file:/x") Guest guest) {
        }
    }
}
