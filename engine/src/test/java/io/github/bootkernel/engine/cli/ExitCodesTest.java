package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.GuestExit.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExitCodesTest {

    private static int of(Kind kind) {
        return ExitCodes.of(new GuestExit(kind, -1, ""));
    }

    @Test
    void everyKind() {
        assertThat(of(Kind.RESET)).isEqualTo(0);
        assertThat(of(Kind.POWEROFF)).isEqualTo(0);
        assertThat(of(Kind.STOPPED)).isEqualTo(0);
        assertThat(of(Kind.PANIC)).isEqualTo(123);
        assertThat(of(Kind.TRIPLE_FAULT)).isEqualTo(122);
        assertThat(of(Kind.INTERNAL_ERROR)).isEqualTo(122);
        assertThat(of(Kind.FAIL_ENTRY)).isEqualTo(122);
        assertThat(of(Kind.UNHANDLED_EXIT)).isEqualTo(122);
        assertThat(of(Kind.BOOT_FAILED)).isEqualTo(123);
        assertThat(of(Kind.TIMEOUT)).isEqualTo(124);
        assertThat(of(Kind.SILENT)).isEqualTo(121);
        assertThat(of(Kind.VMM_ERROR)).isEqualTo(125);
        assertThat(ExitCodes.of(new GuestExit(Kind.EXIT_STATUS, 0, ""))).isEqualTo(0);
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = "EXIT_STATUS", mode = EnumSource.Mode.EXCLUDE)
    void everyOtherKindMapsToAReservedOrCleanCode(Kind kind) {
        assertThat(of(kind)).isIn(ExitCodes.CLEAN, ExitCodes.GUEST_CRASH, ExitCodes.PANIC, ExitCodes.TIMEOUT,
                ExitCodes.VMM_ERROR, ExitCodes.SILENT);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 7, 122, 125, 200, 255})
    void guestStatusPassesThrough(int status) {
        assertThat(ExitCodes.of(new GuestExit(Kind.EXIT_STATUS, status, ""))).isEqualTo(status);
    }

    @Test
    void constants() {
        assertThat(ExitCodes.CLEAN).isEqualTo(0);
        assertThat(ExitCodes.USAGE).isEqualTo(2);
        assertThat(ExitCodes.GUEST_CRASH).isEqualTo(122);
        assertThat(ExitCodes.PANIC).isEqualTo(123);
        assertThat(ExitCodes.TIMEOUT).isEqualTo(124);
        assertThat(ExitCodes.VMM_ERROR).isEqualTo(125);
        assertThat(ExitCodes.SILENT).isEqualTo(121);
    }
}
