package io.github.bootkernel.engine.ktap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinePrefixTest {

    @Test
    void stripsAPrintkTimestampOfAnyWidth() {
        LinePrefix prefix = LinePrefix.ofVersionLine("[    6.462532] KTAP version 1").orElseThrow();

        assertThat(prefix.strip("[   18.724979]     ok 1 time64_to_tm_test_date_range"))
                .hasValue("    ok 1 time64_to_tm_test_date_range");
        assertThat(prefix.strip("[123456.000001] ok 1 late")).hasValue("ok 1 late");
        assertThat(prefix.strip("ok 1 from a user program")).isEmpty();
    }

    @Test
    void stripsATimestampWithTheCallersId() {
        // CONFIG_PRINTK_CALLER adds the task or CPU id after the timestamp.
        LinePrefix prefix = LinePrefix.ofVersionLine("[    0.912345][    T1] KTAP version 1").orElseThrow();

        assertThat(prefix.strip("[    1.000000][   T17]     ok 1 case")).hasValue("    ok 1 case");
        assertThat(prefix.strip("[    1.000000][    C0] ok 1 suite")).isEmpty();
    }

    @Test
    void withoutAPrefixEveryLineIsKeptWhole() {
        LinePrefix prefix = LinePrefix.ofVersionLine("TAP version 13").orElseThrow();

        assertThat(prefix.strip("  ok 1 x")).hasValue("  ok 1 x");
        assertThat(LinePrefix.ofVersionLine("the KTAP version is 1")).isEmpty();
    }
}
