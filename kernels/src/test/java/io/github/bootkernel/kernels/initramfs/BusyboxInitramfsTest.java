package io.github.bootkernel.kernels.initramfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.initramfs.NewcReader.Member;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uses the cached busybox and exit-status helper (fetched and built on first use). */
class BusyboxInitramfsTest {

    @TempDir
    Path temp;

    @Test
    void containsBusyboxInitAndTheBasicTree() throws Exception {
        Initramfs image = BusyboxInitramfs.create().build();

        assertThat(image.paths()).contains("/init", "/bin/busybox", "/bin/sh", "/dev/console", "/proc", "/sys",
                "/tmp", "/sbin", "/usr/bin", "/usr/sbin").doesNotContain("/bin/exit-status", "/bin/bootkernel-agent");
        List<Member> members = NewcReader.read(image.toBytes());
        Member busybox = member(members, "bin/busybox");
        assertThat(busybox.mode()).isEqualTo(0100755);
        assertThat(busybox.data()).isEqualTo(Files.readAllBytes(Catalog.BUSYBOX_STATIC.get().path()));
        assertThat(member(members, "bin/sh").text()).isEqualTo("busybox");
        assertThat(member(members, "init").mode()).isEqualTo(0100755);
    }

    @Test
    void defaultInitMountsPrintsReadyAndRunsTheCommandLineScriptOrAShell() {
        String init = BusyboxInitramfs.create().init();

        assertThat(init).startsWith("#!/bin/sh\n")
                .contains("mount -t proc proc /proc", "mount -t sysfs sysfs /sys",
                        "mount -t devtmpfs devtmpfs /dev", "/bin/busybox --install -s",
                        "echo \"init: ready\"", "bootkernel.script=*", "setsid cttyhack sh",
                        "/bin/exit-status \"$status\"")
                .endsWith("reboot -f\n");
        assertThat(init.indexOf("init: ready")).isLessThan(init.indexOf("bootkernel.script"));
    }

    @Test
    void callerSuppliedBodyReplacesTheDefaultTail() throws Exception {
        BusyboxInitramfs builder = BusyboxInitramfs.create().withExitStatusHelper()
                .initBody("echo hello from the guest\n/bin/exit-status 3");
        Initramfs image = builder.build();

        String init = member(NewcReader.read(image.toBytes()), "init").text();
        assertThat(init).isEqualTo(builder.init())
                .contains("init: ready", "echo hello from the guest\n/bin/exit-status 3\nreboot -f\n")
                .doesNotContain("cttyhack");
        Member helper = member(NewcReader.read(image.toBytes()), "bin/exit-status");
        assertThat(helper.mode()).isEqualTo(0100755);
        assertThat(helper.data()).isEqualTo(Files.readAllBytes(Catalog.EXIT_STATUS.get().path()));
    }

    @Test
    void withAgentAddsItAndStartsItOnTtyS1BeforeTheReadyLine() throws Exception {
        BusyboxInitramfs builder = BusyboxInitramfs.create().withAgent();
        List<Member> members = NewcReader.read(builder.build().toBytes());

        Member agent = member(members, "bin/bootkernel-agent");
        assertThat(agent.mode()).isEqualTo(0100755);
        assertThat(agent.data()).isEqualTo(Files.readAllBytes(Catalog.AGENT.get().path()));
        String init = member(members, "init").text();
        assertThat(init).isEqualTo(builder.init())
                .contains("/bin/bootkernel-agent /dev/ttyS1\n", ") </dev/null &\n",
                        "echo \"init: bootkernel-agent exited with status $status\"")
                .endsWith("reboot -f\n");
        assertThat(init.indexOf("/bin/bootkernel-agent /dev/ttyS1")).isGreaterThan(init.indexOf("--install -s"))
                .isLessThan(init.indexOf("init: ready"));
        assertThat(BusyboxInitramfs.create().init()).doesNotContain("bootkernel-agent");
    }

    @Test
    void wholeInitCanBeReplaced() {
        Initramfs image = BusyboxInitramfs.create().initScript("#!/bin/busybox sh\necho mine\n").build();

        assertThat(member(NewcReader.read(image.toBytes()), "init").text()).isEqualTo("#!/bin/busybox sh\necho mine\n");
        assertThatThrownBy(() -> BusyboxInitramfs.create().initScript("echo mine"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("#!");
    }

    @Test
    void generatedInitIsValidShellForBusybox() throws Exception {
        Path busybox = Catalog.BUSYBOX_STATIC.get().path();
        for (String init : List.of(BusyboxInitramfs.create().init(),
                BusyboxInitramfs.create().initBody("echo hi\n/bin/exit-status 3\n").init(),
                BusyboxInitramfs.create().withAgent(temp).init())) {
            Path script = Files.writeString(temp.resolve("init"), init);
            Process process = new ProcessBuilder(busybox.toString(), "sh", "-n", script.toString())
                    .redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
            String output = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("busybox sh -n says: %s", output).isZero();
        }
    }

    @Test
    void imageAcceptsMoreEntriesAndIsDeterministic() {
        Initramfs image = BusyboxInitramfs.create().build().textFile("/etc/test.sh", "echo extra\n");

        assertThat(image.contains("/etc/test.sh")).isTrue();
        assertThat(BusyboxInitramfs.create().build().toBytes()).isEqualTo(BusyboxInitramfs.create().build().toBytes());
    }

    private static Member member(List<Member> members, String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no member " + name));
    }
}
