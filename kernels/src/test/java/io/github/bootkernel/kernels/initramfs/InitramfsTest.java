package io.github.bootkernel.kernels.initramfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.github.bootkernel.kernels.initramfs.NewcReader.Member;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsTest {

    @TempDir
    Path temp;

    private static Initramfs sample() {
        return Initramfs.create()
                .file("/etc/hostname", "guest\n".getBytes(StandardCharsets.UTF_8))
                .script("/init", "#!/bin/sh\necho hi\n")
                .symlink("/bin/sh", "busybox")
                .file("bin/busybox", new byte[] {1, 2, 3, 4, 5}, 0755)
                .directory("/tmp", 01777)
                .characterDevice("/dev/console", 0600, 5, 1);
    }

    @Test
    void writesSortedNewcMembersWithImpliedParentsAndTrailer() {
        List<Member> members = NewcReader.read(sample().toBytes());

        assertThat(members).extracting(Member::name).containsExactly(
                "bin", "bin/busybox", "bin/sh", "dev", "dev/console", "etc", "etc/hostname", "init", "tmp",
                "TRAILER!!!");
        assertThat(members).extracting(Member::ino).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 0);
        assertThat(members).allSatisfy(m -> {
            assertThat(m.uid()).isZero();
            assertThat(m.gid()).isZero();
            assertThat(m.mtime()).isZero();
            assertThat(m.check()).isZero();
        });
    }

    @Test
    void encodesModesSizesLinksAndDevices() {
        List<Member> members = NewcReader.read(sample().toBytes());

        Member bin = member(members, "bin");
        assertThat(bin.mode()).isEqualTo(0040755);
        assertThat(bin.nlink()).isEqualTo(2);
        Member busybox = member(members, "bin/busybox");
        assertThat(busybox.mode()).isEqualTo(0100755);
        assertThat(busybox.data()).containsExactly(1, 2, 3, 4, 5);
        assertThat(busybox.nlink()).isEqualTo(1);
        Member sh = member(members, "bin/sh");
        assertThat(sh.mode()).isEqualTo(0120777);
        assertThat(sh.text()).isEqualTo("busybox");
        Member console = member(members, "dev/console");
        assertThat(console.mode()).isEqualTo(0020600);
        assertThat(console.rdevMajor()).isEqualTo(5);
        assertThat(console.rdevMinor()).isEqualTo(1);
        assertThat(console.data()).isEmpty();
        assertThat(member(members, "etc/hostname").mode()).isEqualTo(0100644);
        assertThat(member(members, "init").mode()).isEqualTo(0100755);
        assertThat(member(members, "init").text()).isEqualTo("#!/bin/sh\necho hi\n");
        assertThat(member(members, "tmp").mode()).isEqualTo(0041777);
        Member trailer = member(members, "TRAILER!!!");
        assertThat(trailer.mode()).isZero();
        assertThat(trailer.data()).isEmpty();
    }

    @Test
    void padsNameAndDataToFourBytesExactly() {
        // A one-character name: header 110 + "a\0" = 112, already aligned; 1 data byte + 3 padding.
        byte[] bytes = Initramfs.create().file("a", new byte[] {'x'}).toBytes();

        String header = new String(bytes, 0, 110, StandardCharsets.US_ASCII);
        assertThat(header).isEqualTo("070701" + "00000001" + "000081A4" + "00000000" + "00000000"
                + "00000001" + "00000000" + "00000001" + "00000000" + "00000000" + "00000000" + "00000000"
                + "00000002" + "00000000");
        assertThat(bytes[110]).isEqualTo((byte) 'a');
        assertThat(bytes[111]).isZero();
        assertThat(bytes[112]).isEqualTo((byte) 'x');
        assertThat(new byte[] {bytes[113], bytes[114], bytes[115]}).containsOnly(0);
        // Trailer: header + "TRAILER!!!\0" = 121 bytes, padded to 124.
        assertThat(new String(bytes, 116, 6, StandardCharsets.US_ASCII)).isEqualTo("070701");
        assertThat(new String(bytes, 116 + 110, 10, StandardCharsets.US_ASCII)).isEqualTo("TRAILER!!!");
        assertThat(bytes).hasSize(116 + 124);
        // A two-character name needs 2 bytes of padding after its NUL: 110 + 3 + 3 = 116.
        byte[] two = Initramfs.create().file("ab", new byte[0]).toBytes();
        assertThat(new String(two, 116, 6, StandardCharsets.US_ASCII)).isEqualTo("070701");
        assertThat(NewcReader.read(two)).extracting(Member::offset).containsExactly(0L, 116L);
    }

    @Test
    void outputIsDeterministicAndIndependentOfInsertionOrder() {
        Initramfs reversed = Initramfs.create()
                .characterDevice("/dev/console", 0600, 5, 1)
                .directory("/tmp", 01777)
                .file("bin/busybox", new byte[] {1, 2, 3, 4, 5}, 0755)
                .symlink("/bin/sh", "busybox")
                .script("/init", "#!/bin/sh\necho hi\n")
                .file("/etc/hostname", "guest\n".getBytes(StandardCharsets.UTF_8));

        assertThat(reversed.toBytes()).isEqualTo(sample().toBytes());
        assertThat(sample().gzip(true).toBytes()).isEqualTo(sample().gzip(true).toBytes());
    }

    @Test
    void gzipOutputDecodesToTheSameArchive() {
        byte[] gz = sample().gzip(true).toBytes();

        assertThat(gz[0] & 0xff).isEqualTo(0x1f);
        assertThat(gz[1] & 0xff).isEqualTo(0x8b);
        assertThat(NewcReader.read(gz)).extracting(Member::name)
                .isEqualTo(NewcReader.read(sample().toBytes()).stream().map(Member::name).toList());
    }

    @Test
    void writeToFileMatchesToBytes() throws IOException {
        Path file = sample().writeTo(temp.resolve("initramfs.cpio"));

        assertThat(Files.readAllBytes(file)).isEqualTo(sample().toBytes());
    }

    @Test
    void copiesHostFilesWithTheirExecutableBitOrAGivenMode() throws IOException {
        Path tool = Files.write(temp.resolve("tool"), new byte[] {9, 8, 7});
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-x---"));
        Path data = Files.write(temp.resolve("data"), new byte[] {6});
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rw-------"));

        List<Member> members = NewcReader.read(Initramfs.create()
                .file("/usr/bin/tool", tool)
                .file("/usr/share/data", data)
                .file("/usr/share/data2", data, 0640)
                .toBytes());

        assertThat(member(members, "usr/bin/tool").mode()).isEqualTo(0100755);
        assertThat(member(members, "usr/bin/tool").data()).containsExactly(9, 8, 7);
        assertThat(member(members, "usr/share/data").mode()).isEqualTo(0100644);
        assertThat(member(members, "usr/share/data2").mode()).isEqualTo(0100640);
        assertThat(members).extracting(Member::name).startsWith("usr", "usr/bin", "usr/bin/tool", "usr/share");
    }

    @Test
    void normalizesPaths() {
        Initramfs image = Initramfs.create().file("//a/./b//c", new byte[0]).textFile("d", "text");

        assertThat(image.paths()).containsExactly("/a", "/a/b", "/a/b/c", "/d");
        assertThat(image.contains("a/b/c")).isTrue();
        assertThat(image.contains("/a/b/")).isTrue();
        assertThat(image.contains("/x")).isFalse();
    }

    @Test
    void rejectsInvalidPaths() {
        Initramfs image = Initramfs.create();

        assertThatThrownBy(() -> image.file("/a/../etc/passwd", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'..'")
                .hasMessageContaining("/a/../etc/passwd");
        assertThatThrownBy(() -> image.directory("/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no file");
        assertThatThrownBy(() -> image.file("", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> image.file("a\0b", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> image.file("/x", new byte[0], 0100644))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("07777");
        assertThatThrownBy(() -> image.script("/init", "echo no shebang\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/init")
                .hasMessageContaining("#!");
        assertThatThrownBy(() -> image.symlink("/l", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/l");
        assertThat(image.paths()).isEmpty();
    }

    @Test
    void rejectsDuplicatesNamingThePath() {
        Initramfs image = Initramfs.create().file("/bin/tool", new byte[0]);

        assertThatThrownBy(() -> image.symlink("bin//tool", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duplicate initramfs entry /bin/tool: it is already a file");
        assertThatThrownBy(() -> image.file("/bin", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duplicate initramfs entry /bin: it is already a directory implied by the entries "
                        + "below it");
        assertThatThrownBy(() -> image.file("/bin/tool/sub", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/bin/tool/sub").hasMessageContaining("parent /bin/tool is a file");
    }

    @Test
    void impliedDirectoryMayBeGivenAModeOnce() {
        Initramfs image = Initramfs.create().file("/secret/key", new byte[0]).directory("/secret", 0700);

        assertThat(member(NewcReader.read(image.toBytes()), "secret").mode()).isEqualTo(0040700);
        assertThatThrownBy(() -> image.directory("/secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duplicate initramfs entry /secret: it is already a directory");
    }

    @Test
    void emptyImageIsJustTheTrailer() {
        List<Member> members = NewcReader.read(Initramfs.create().toBytes());

        assertThat(members).extracting(Member::name).containsExactly("TRAILER!!!");
    }

    @Test
    void hostCpioListsAndExtractsTheArchive() throws Exception {
        assumeThat(Path.of("/usr/bin/cpio")).as("GNU cpio (apt-get install cpio)").isExecutable();
        Path archive = sample().writeTo(temp.resolve("initramfs.cpio"));

        String listing = run(temp, "cpio", "-t", "--quiet", "-F", archive.toString());
        assertThat(listing.lines()).containsExactly(
                "bin", "bin/busybox", "bin/sh", "dev", "dev/console", "etc", "etc/hostname", "init", "tmp");
        String verbose = run(temp, "cpio", "-tv", "--quiet", "-F", archive.toString());
        assertThat(verbose).containsPattern("lrwxrwxrwx .* bin/sh -> busybox")
                .containsPattern("-rwxr-xr-x .* 5 .* bin/busybox")
                .containsPattern("crw------- .* 5, +1 .* dev/console")
                .containsPattern("drwxrwxrwt .* tmp");

        Path out = Files.createDirectory(temp.resolve("out"));
        // Device nodes need privileges and are not the point here: extract everything else.
        run(out, "cpio", "-i", "--quiet", "--no-absolute-filenames", "-F", archive.toString(),
                "bin", "bin/busybox", "bin/sh", "etc", "etc/hostname", "init");
        assertThat(Files.readAllBytes(out.resolve("bin/busybox"))).containsExactly(1, 2, 3, 4, 5);
        assertThat(Files.readSymbolicLink(out.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
        assertThat(out.resolve("etc/hostname")).hasContent("guest");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("init"))))
                .isEqualTo("rwxr-xr-x");
    }

    @Test
    void hostCpioReadsTheGzipArchiveThroughGunzip() throws Exception {
        assumeThat(Path.of("/usr/bin/cpio")).as("GNU cpio (apt-get install cpio)").isExecutable();
        Path archive = sample().gzip(true).writeTo(temp.resolve("initramfs.cpio.gz"));
        Path plain = temp.resolve("plain.cpio");
        run(temp, "sh", "-c", "gzip -dc " + archive + " > " + plain);

        assertThat(Files.readAllBytes(plain)).isEqualTo(sample().toBytes());
        assertThat(run(temp, "cpio", "-t", "--quiet", "-F", plain.toString()).lines()).hasSize(9);
    }

    private static Member member(List<Member> members, String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no member " + name + " in " + members));
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("cpio", ".log");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(new File("/dev/null")).start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
            String output = Files.readString(log);
            assertThat(process.exitValue()).as("exit status of %s, output:%n%s", List.of(command), output).isZero();
            return output;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
