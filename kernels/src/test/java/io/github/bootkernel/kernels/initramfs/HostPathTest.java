package io.github.bootkernel.kernels.initramfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.kernels.initramfs.NewcReader.Member;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPathTest {

    @TempDir
    Path dir;

    @Test
    void parsesAtTheLastColonBeforeTheAbsoluteGuestPath() {
        assertThat(HostPath.parse("target/mytool:/usr/bin/mytool"))
                .isEqualTo(new HostPath(Path.of("target/mytool"), "/usr/bin/mytool"));
        assertThat(HostPath.parse("a:b/c:/d:e")).isEqualTo(new HostPath(Path.of("a:b/c"), "/d:e"));
        assertThat(HostPath.parse("x:/").guest()).isEqualTo("/");
        assertThat(HostPath.parse("target/mytool:/usr/bin/mytool")).hasToString("target/mytool:/usr/bin/mytool");
    }

    @Test
    void rejectsWhatIsNotHostColonAbsoluteGuest() {
        for (String bad : List.of("target/mytool", "target/mytool:usr/bin/x", ":/usr/bin/x", "")) {
            assertThatThrownBy(() -> HostPath.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not HOST:GUEST");
        }
        assertThatThrownBy(() -> new HostPath(Path.of("x"), "relative"))
                .hasMessage("the guest path of x must be absolute, got 'relative'");
    }

    @Test
    void addsAFileWithItsModeSetuidIncluded() throws IOException {
        Path tool = Files.write(dir.resolve("tool"), new byte[] {1, 2, 3});
        Files.setAttribute(tool, "unix:mode", 04751);
        Path data = Files.write(dir.resolve("data"), new byte[] {9});
        Files.setAttribute(data, "unix:mode", 0600);

        Initramfs image = Initramfs.create();
        HostPath.parse(tool + ":/usr/bin/tool").addTo(image);
        HostPath.parse(data + ":/data").addTo(image);

        List<Member> members = NewcReader.read(image.toBytes());
        Member added = member(members, "usr/bin/tool");
        assertThat(added.mode()).isEqualTo(0100000 | 04751);
        assertThat(added.data()).containsExactly(1, 2, 3);
        assertThat(member(members, "data").mode()).isEqualTo(0100600);
        assertThat(member(members, "usr/bin").mode()).as("implied parent").isEqualTo(040755);
    }

    @Test
    void addsADirectoryTreeWithModesAndLinksKeptAsLinks() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree/sub"));
        Files.setAttribute(tree.getParent(), "unix:mode", 0750);
        Files.setAttribute(tree, "unix:mode", 0700);
        Path script = Files.writeString(tree.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setAttribute(script, "unix:mode", 0755);
        Files.createSymbolicLink(tree.getParent().resolve("link"), Path.of("sub/run.sh"));

        Initramfs image = HostPath.parse(tree.getParent() + ":/opt/app").addTo(Initramfs.create());

        List<Member> members = NewcReader.read(image.toBytes());
        assertThat(members).extracting(Member::name)
                .containsExactly("opt", "opt/app", "opt/app/link", "opt/app/sub", "opt/app/sub/run.sh", "TRAILER!!!");
        assertThat(member(members, "opt/app").mode()).isEqualTo(040750);
        assertThat(member(members, "opt/app/sub").mode()).isEqualTo(040700);
        assertThat(member(members, "opt/app/sub/run.sh").mode()).isEqualTo(0100755);
        assertThat(member(members, "opt/app/sub/run.sh").text()).isEqualTo("#!/bin/sh\necho hi\n");
        assertThat(member(members, "opt/app/link").mode()).isEqualTo(0120777);
        assertThat(member(members, "opt/app/link").text()).isEqualTo("sub/run.sh");
    }

    @Test
    void aDirectoryAtTheRootAddsWhatItHolds() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("root/etc"));
        Files.writeString(tree.resolve("motd"), "hello\n");

        Initramfs image = HostPath.parse(tree.getParent() + ":/").addTo(Initramfs.create());

        assertThat(image.paths()).containsExactly("/etc", "/etc/motd");
    }

    @Test
    void aMissingHostPathIsNamed() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> HostPath.parse(missing + ":/x").addTo(Initramfs.create()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no such file or directory: " + missing + " (for " + missing + ":/x)");
    }

    private static Member member(List<Member> members, String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }
}
