package io.github.bootkernel.kernels.tiny;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigFragmentTest {

    @Test
    void parsesAssignmentsNotSetLinesCommentsAndBlankLines() {
        ConfigFragment fragment = ConfigFragment.parse("f.config", """
                # a comment
                CONFIG_A=y

                CONFIG_B=m
                # CONFIG_C is not set
                CONFIG_D=42
                CONFIG_E=0x1f
                CONFIG_F="console=ttyS0 \\"quoted\\""
                CONFIG_G=-1
                   CONFIG_H=n\t
                """);

        assertThat(fragment.name()).isEqualTo("f.config");
        assertThat(fragment.values()).containsExactly(entry("A", "y"), entry("B", "m"), entry("C", "n"),
                entry("D", "42"), entry("E", "0x1f"), entry("F", "\"console=ttyS0 \\\"quoted\\\"\""),
                entry("G", "-1"), entry("H", "n"));
    }

    @Test
    void rejectsMalformedLinesNamingFileAndLine() {
        assertThatThrownBy(() -> ConfigFragment.parse("f.config", "CONFIG_A=y\nKVM_GUEST=y\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("f.config:2: expected CONFIG_<NAME>=<value>")
                .hasMessageContaining("'KVM_GUEST=y'");
        assertThatThrownBy(() -> ConfigFragment.parse("f.config", "CONFIG_A = y\n"))
                .hasMessageStartingWith("f.config:1: expected");
        assertThatThrownBy(() -> ConfigFragment.parse("f.config", "\nCONFIG_A=yes\n"))
                .hasMessage("f.config:2: CONFIG_A has the malformed value 'yes' (expected y, m, n, a number or a"
                        + " quoted string)");
        assertThatThrownBy(() -> ConfigFragment.parse("f.config", "CONFIG_A=\"open\n"))
                .hasMessageContaining("malformed value '\"open'");
        assertThatThrownBy(() -> ConfigFragment.parse("f.config", "CONFIG_A=\n"))
                .hasMessageContaining("malformed value ''");
    }

    @Test
    void rejectsAnOptionSetTwiceInOneFragment() {
        assertThatThrownBy(() -> ConfigFragment.parse("f.config", "CONFIG_A=y\n# c\n# CONFIG_A is not set\n"))
                .hasMessage("f.config:3: CONFIG_A is already set on line 1");
    }

    @Test
    void laterFragmentsWinWhenMerged() {
        ConfigFragment first = ConfigFragment.parse("1", "CONFIG_A=y\nCONFIG_B=y\n");
        ConfigFragment second = ConfigFragment.parse("2", "# CONFIG_B is not set\nCONFIG_C=3\n");

        assertThat(ConfigFragment.merge(List.of(first, second)))
                .containsExactly(entry("A", "y"), entry("B", "n"), entry("C", "3"));
    }

    @Test
    void unmetListsOptionsKconfigDroppedOrChanged() {
        Map<String, String> wanted = ConfigFragment.merge(List.of(ConfigFragment.parse("w", """
                CONFIG_KEPT=y
                CONFIG_DROPPED=y
                CONFIG_MISSPELT=y
                CONFIG_NUMBER=1
                # CONFIG_OFF is not set
                # CONFIG_ABSENT_AND_OFF is not set
                CONFIG_MODULE=m
                """)));
        ConfigFragment result = ConfigFragment.parse(".config", """
                #
                # Automatically generated file; DO NOT EDIT.
                #
                CONFIG_KEPT=y
                # CONFIG_DROPPED is not set
                CONFIG_NUMBER=4
                CONFIG_OFF=y
                CONFIG_MODULE=y
                """);

        assertThat(ConfigFragment.unmet(wanted, result)).containsExactly(
                "CONFIG_DROPPED=y requested, but it is not set",
                "CONFIG_MISSPELT=y requested, but it is not in the final .config (no such option, or its menu is"
                        + " hidden)",
                "CONFIG_NUMBER=1 requested, but it is 4",
                "CONFIG_OFF unset requested, but it is y",
                "CONFIG_MODULE=m requested, but it is y");
        assertThat(ConfigFragment.unmet(Map.of("KEPT", "y", "ABSENT", "n"), result)).isEmpty();
    }

    @Test
    void shippedFragmentsParseAndCarryTheOptionsThatBoot() {
        Map<String, String> tiny = ConfigFragment.resource("tiny.config").values();
        for (String option : List.of("64BIT", "PRINTK", "PRINTK_TIME", "EARLY_PRINTK", "TTY", "SERIAL_8250",
                "SERIAL_8250_CONSOLE", "BLK_DEV_INITRD", "RD_GZIP", "BINFMT_ELF", "BINFMT_SCRIPT", "PROC_FS",
                "SYSFS", "DEVTMPFS", "DEVTMPFS_MOUNT", "HYPERVISOR_GUEST", "PARAVIRT", "KVM_GUEST", "PVH",
                "X86_IOPL_IOPERM")) {
            assertThat(tiny).as("tiny.config").containsEntry(option, "y");
        }
        assertThat(tiny).as("tiny.config: MP table, not ACPI").containsEntry("ACPI", "n");
        assertThat(ConfigFragment.resource("tiny-kunit.config").values()).containsOnly(
                entry("RUNTIME_TESTING_MENU", "y"), entry("KUNIT", "y"), entry("KUNIT_ALL_TESTS", "y"));
    }

    @Test
    void aMissingResourceSaysTheJarIsIncomplete() {
        assertThatThrownBy(() -> ConfigFragment.resource("nope.config"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nope.config is missing");
    }
}
