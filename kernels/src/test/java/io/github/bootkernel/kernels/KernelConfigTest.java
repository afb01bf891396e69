package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelConfigTest {

    /**
     * Lines of Debian's {@code /boot/config-6.1.0-53-cloud-amd64} (package
     * linux-image-6.1.0-53-cloud-amd64 6.1.187-1), in their order, most lines between them left out.
     */
    static final String DEBIAN_CLOUD_6_1 = """
            #
            # Automatically generated file; DO NOT EDIT.
            # Linux/x86 6.1.187 Kernel Configuration
            #
            CONFIG_CC_VERSION_TEXT="gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0"
            CONFIG_CC_IS_GCC=y
            CONFIG_GCC_VERSION=120200
            CONFIG_LOCALVERSION=""
            CONFIG_BLK_DEV_INITRD=y
            CONFIG_RD_GZIP=y
            CONFIG_RD_ZSTD=y
            CONFIG_PHYSICAL_START=0x1000000
            CONFIG_MODULE_SIG_HASH="sha256"
            CONFIG_VIRTIO_BLK=m

            #
            # Serial drivers
            #
            CONFIG_SERIAL_8250=y
            CONFIG_SERIAL_8250_CONSOLE=y
            CONFIG_SERIAL_8250_NR_UARTS=32
            CONFIG_SERIAL_8250_RUNTIME_UARTS=4
            # CONFIG_DEVPORT is not set
            # CONFIG_KASAN is not set
            # CONFIG_KUNIT is not set
            """;

    /** Lines of the final {@code .config} of this module's tiny-kunit build from linux-source-6.1 6.1.192-3. */
    static final String TINY_KUNIT_6_1 = """
            #
            # Automatically generated file; DO NOT EDIT.
            # Linux/x86 6.1.192 Kernel Configuration
            #
            CONFIG_LOCALVERSION=""
            CONFIG_DEFAULT_HOSTNAME="(none)"
            CONFIG_PHYSICAL_START=0x1000000
            # CONFIG_MODULES is not set
            CONFIG_SERIAL_8250=y
            CONFIG_SERIAL_8250_CONSOLE=y
            CONFIG_SERIAL_8250_NR_UARTS=2
            CONFIG_SERIAL_8250_RUNTIME_UARTS=2
            CONFIG_KUNIT=y
            CONFIG_KUNIT_ALL_TESTS=y
            CONFIG_LIST_KUNIT_TEST=y
            """;

    /**
     * Lines of Firecracker's guest configuration for Linux 4.14.174
     * ({@code resources/guest_configs/microvm-kernel-x86_64-4.14.config}), an older Kconfig.
     */
    static final String FIRECRACKER_4_14 = """
            #
            # Automatically generated file; DO NOT EDIT.
            # Linux/x86 4.14.174 Kernel Configuration
            #
            CONFIG_64BIT=y
            CONFIG_OUTPUT_FORMAT="elf64-x86-64"
            CONFIG_DEFCONFIG_LIST="/lib/modules/$UNAME_RELEASE/.config"

            #
            # General setup
            #
            CONFIG_INIT_ENV_ARG_LIMIT=32
            CONFIG_CROSS_COMPILE=""
            # CONFIG_COMPILE_TEST is not set
            CONFIG_BLK_DEV_INITRD=y
            CONFIG_INITRAMFS_SOURCE=""
            CONFIG_BASE_SMALL=0
            CONFIG_ILLEGAL_POINTER_VALUE=0xdead000000000000
            """;

    @Test
    void readsDebiansConfiguration() {
        KernelConfig config = KernelConfig.parse("config-6.1.0-53-cloud-amd64", DEBIAN_CLOUD_6_1);

        assertThat(config.isBuiltIn("SERIAL_8250_CONSOLE")).isTrue();
        assertThat(config.isBuiltIn("CONFIG_BLK_DEV_INITRD")).isTrue();
        assertThat(config.number("SERIAL_8250_RUNTIME_UARTS")).isEqualTo(OptionalLong.of(4));
        assertThat(config.number("PHYSICAL_START")).isEqualTo(OptionalLong.of(0x1000000));
        assertThat(config.isEnabled("VIRTIO_BLK")).isTrue();
        assertThat(config.isBuiltIn("VIRTIO_BLK")).as("a module").isFalse();
        assertThat(config.isEnabled("KUNIT")).isFalse();
        assertThat(config.get("KUNIT")).contains("n");
        assertThat(config.get("KCSAN")).as("not mentioned").isEmpty();
        assertThat(config.isEnabled("KCSAN")).isFalse();
        assertThat(config.string("CC_VERSION_TEXT")).contains("gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0");
        assertThat(config.string("LOCALVERSION")).contains("");
        assertThat(config.get("MODULE_SIG_HASH")).contains("\"sha256\"");
        assertThat(config.source()).isEqualTo("config-6.1.0-53-cloud-amd64");
    }

    @Test
    void readsATinyBuildsConfiguration() {
        KernelConfig config = KernelConfig.parse(".config", TINY_KUNIT_6_1);

        assertThat(config.isBuiltIn("KUNIT")).isTrue();
        assertThat(config.isEnabled("MODULES")).isFalse();
        assertThat(config.number("SERIAL_8250_RUNTIME_UARTS")).isEqualTo(OptionalLong.of(2));
        assertThat(config.values().keySet()).startsWith("LOCALVERSION", "DEFAULT_HOSTNAME");
        assertThat(config.values()).contains(entry("LOCALVERSION", "\"\""), entry("DEFAULT_HOSTNAME", "\"(none)\""));
    }

    @Test
    void readsAnOlderKconfigsOutput() {
        KernelConfig config = KernelConfig.parse("microvm-kernel-x86_64-4.14.config", FIRECRACKER_4_14);

        assertThat(config.string("DEFCONFIG_LIST")).contains("/lib/modules/$UNAME_RELEASE/.config");
        assertThat(config.number("BASE_SMALL")).isEqualTo(OptionalLong.of(0));
        assertThat(config.number("ILLEGAL_POINTER_VALUE")).as("hex, unsigned 64 bits")
                .isEqualTo(OptionalLong.of(0xdead000000000000L));
        assertThat(config.get("COMPILE_TEST")).contains("n");
        assertThat(config.values()).hasSize(10);
    }

    @Test
    void stringsLoseTheirQuotesAndEscapes() {
        KernelConfig config = KernelConfig.parse("c", "CONFIG_CMDLINE=\"console=ttyS0 x=\\\"a b\\\" \\\\\"\n"
                + "CONFIG_N=-1\n");

        assertThat(config.string("CMDLINE")).contains("console=ttyS0 x=\"a b\" \\");
        assertThat(config.number("CMDLINE")).isEmpty();
        assertThat(config.string("N")).isEmpty();
        assertThat(config.number("N")).isEqualTo(OptionalLong.of(-1));
    }

    @Test
    void rejectsWhatKconfigNeverWritesNamingTheSourceAndLine() {
        assertThatThrownBy(() -> KernelConfig.parse("/boot/config-x", "CONFIG_A=y\n\u007fELF\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("/boot/config-x:2: expected CONFIG_<NAME>=<value>");
        assertThatThrownBy(() -> KernelConfig.parse("c", "CONFIG_A=yes\n"))
                .hasMessageStartingWith("c:1: CONFIG_A has the malformed value 'yes'");
        assertThatThrownBy(() -> KernelConfig.parse("c", "CONFIG_A=y\nCONFIG_A=m\n"))
                .hasMessage("c:2: CONFIG_A is already set on line 1");
        assertThatThrownBy(() -> KernelConfig.parse("c", "").isEnabled("NOT A NAME"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a kernel configuration option: 'NOT A NAME'");
    }

    @Test
    void findsDebiansBootLayout(@TempDir Path boot) throws IOException {
        Path kernel = Files.write(boot.resolve("vmlinuz-6.1.0-53-cloud-amd64"), new byte[1]);
        Files.writeString(boot.resolve("config-6.1.0-53-cloud-amd64"), DEBIAN_CLOUD_6_1);
        Files.writeString(boot.resolve("config-6.1.0-52-cloud-amd64"), TINY_KUNIT_6_1);

        assertThat(KernelConfig.beside(kernel).orElseThrow().number("SERIAL_8250_NR_UARTS"))
                .isEqualTo(OptionalLong.of(32));
    }

    @Test
    void findsTheCachesLayoutThroughASymbolicLink(@TempDir Path root) throws IOException {
        Path entry = Files.createDirectories(root.resolve("tiny-kunit/6.1.192-3_0123456789abcdef"));
        Path kernel = Files.write(entry.resolve("bzImage"), new byte[1]);
        Files.writeString(entry.resolve("config"), TINY_KUNIT_6_1);
        Path link = Files.createSymbolicLink(Files.createDirectories(root.resolve("latest")).resolve("tiny-kunit"),
                kernel);

        assertThat(KernelConfig.fileBeside(link)).contains(entry.resolve("config").toRealPath());
        assertThat(KernelConfig.beside(link).orElseThrow().isBuiltIn("KUNIT")).isTrue();
    }

    @Test
    void findsAFileNamedAfterTheKernelAndATreesConfig(@TempDir Path dir) throws IOException {
        Path kernel = Files.write(dir.resolve("bzImage"), new byte[1]);
        Files.writeString(dir.resolve("bzImage.config"), TINY_KUNIT_6_1);
        assertThat(KernelConfig.fileBeside(kernel)).contains(dir.resolve("bzImage.config").toRealPath());

        Path tree = Files.createDirectories(dir.resolve("linux"));
        Path built = Files.write(Files.createDirectories(tree.resolve("arch/x86/boot")).resolve("bzImage"),
                new byte[1]);
        Files.writeString(tree.resolve(".config"), DEBIAN_CLOUD_6_1);
        assertThat(KernelConfig.fileBeside(built)).contains(tree.resolve(".config").toRealPath());
    }

    @Test
    void aKernelWithNothingBesideItHasNoConfiguration(@TempDir Path dir) throws IOException {
        Path kernel = Files.write(dir.resolve("vmlinuz-6.12.0"), new byte[1]);
        Files.writeString(dir.resolve("config-6.11.0"), TINY_KUNIT_6_1);

        assertThat(KernelConfig.beside(kernel)).isEqualTo(Optional.empty());
        assertThat(KernelConfig.beside(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void aFileBesideTheKernelThatIsNoConfigurationIsAnError(@TempDir Path dir) throws IOException {
        Path kernel = Files.write(dir.resolve("bzImage"), new byte[1]);
        Files.writeString(dir.resolve("config"), "console=ttyS0 quiet\n");

        assertThatThrownBy(() -> KernelConfig.beside(kernel))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.resolve("config").toRealPath() + ":1: expected CONFIG_<NAME>=<value>");
        Files.delete(dir.resolve("config"));
        Files.createDirectory(dir.resolve("config"));
        assertThat(KernelConfig.beside(kernel)).as("a directory is not a configuration").isEmpty();
        assertThatThrownBy(() -> KernelConfig.read(dir.resolve("config")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot read the kernel configuration");
    }
}
