package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.devices.PortBus;
import io.github.bootkernel.engine.devices.PortDevice;
import io.github.bootkernel.engine.kvm.VcpuExit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The exit handler driven by exits made up by hand, one or more for every {@link VcpuExit} case:
 * no KVM, no guest.
 */
class ExitHandlerTest {

    private static final String REGISTERS = "rip=0x100000 (test registers)";

    private final List<String> accesses = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final List<String> busLog = new ArrayList<>();
    private int registerDumps;
    private final ExitHandler handler = new ExitHandler(
            new PortBus(busLog::add).place(0x3f8, 8, new PortDevice() {
                @Override
                public int read(int offset) {
                    accesses.add("r" + offset);
                    return 0x60 + offset;
                }

                @Override
                public void write(int offset, int value) {
                    accesses.add("w" + offset + "=" + (char) value);
                }
            }),
            log::add,
            () -> {
                registerDumps++;
                return REGISTERS;
            },
            "");

    private GuestExit ends(VcpuExit exit) {
        Optional<GuestExit> result = handler.handle(exit);
        assertThat(result).as("%s ends the guest", exit).isPresent();
        return result.orElseThrow();
    }

    private void continues(VcpuExit exit) {
        assertThat(handler.handle(exit)).as("%s lets the guest run on", exit).isEmpty();
    }

    @Test
    void everyExitCaseIsCoveredHere() {
        // A new VcpuExit case must get a test here (and handling in ExitHandler).
        Set<String> cases = Arrays.stream(VcpuExit.class.getPermittedSubclasses()).map(Class::getSimpleName)
                .collect(Collectors.toSet());
        assertThat(cases).containsExactlyInAnyOrder("PortIn", "PortOut", "MmioRead", "MmioWrite", "Halt",
                "Shutdown", "Interrupted", "FailEntry", "InternalError", "SystemEvent", "Unknown");
    }

    @Test
    void portOutGoesToTheBusByteByByte() {
        continues(new VcpuExit.PortOut(0x3f8, 1, 3, new byte[] {'a', 'b', 'c'}));
        continues(new VcpuExit.PortOut(0x3f8, 2, 1, new byte[] {'x', 'y'}));
        assertThat(accesses).containsExactly("w0=a", "w0=b", "w0=c", "w0=x", "w1=y");
        assertThat(registerDumps).isZero();
    }

    @Test
    void portInIsFilledFromTheBus() {
        byte[] data = new byte[4];
        continues(new VcpuExit.PortIn(0x3fd, 1, 2, Arrays.copyOf(data, 2)));
        VcpuExit.PortIn in = new VcpuExit.PortIn(0x3f8, 2, 2, data);
        continues(in);
        assertThat(in.data()).containsExactly(0x60, 0x61, 0x60, 0x61);
        assertThat(accesses).containsExactly("r5", "r5", "r0", "r1", "r0", "r1");
    }

    @Test
    void portIoToAnEmptyPortContinuesAndIsLoggedByTheBus() {
        VcpuExit.PortIn in = new VcpuExit.PortIn(0x80, 1, 1, new byte[1]);
        continues(in);
        continues(new VcpuExit.PortOut(0x80, 1, 1, new byte[1]));
        assertThat(in.data()).containsExactly(0xff);
        assertThat(busLog).hasSize(1);
    }

    @Test
    void mmioReadsReturnZerosAndWritesAreDroppedLoggedOncePerPage() {
        byte[] data = {1, 2, 3, 4};
        continues(new VcpuExit.MmioRead(0xfee00020L, data));
        assertThat(data).containsOnly(0);
        continues(new VcpuExit.MmioRead(0xfee00030L, new byte[4]));
        continues(new VcpuExit.MmioWrite(0xfee00ff0L, new byte[] {1, 2, 3, 4}));
        continues(new VcpuExit.MmioWrite(0xfec00000L, new byte[] {5}));
        assertThat(log).containsExactly(
                "unhandled MMIO read at 0xfee00020 (reported once per page)",
                "unhandled MMIO write at 0xfec00000 (reported once per page)");
        assertThat(accesses).isEmpty();
    }

    @Test
    void mmioReportsStopAfterSixtyFourPages() {
        for (int page = 0; page < 100; page++) {
            continues(new VcpuExit.MmioWrite(0xd000_0000L + page * 4096L, new byte[1]));
        }
        assertThat(log).hasSize(64);
    }

    @Test
    void interruptedContinues() {
        continues(VcpuExit.INTERRUPTED);
        assertThat(registerDumps).isZero();
    }

    @Test
    void haltIsAPowerOff() {
        GuestExit exit = ends(VcpuExit.HALT);
        assertThat(exit.kind()).isEqualTo(GuestExit.Kind.POWEROFF);
        assertThat(exit.detail()).isEqualTo("halted");
        assertThat(registerDumps).isZero();
    }

    @Test
    void shutdownIsATripleFaultWithRegisters() {
        GuestExit exit = ends(VcpuExit.SHUTDOWN);
        assertThat(exit.kind()).isEqualTo(GuestExit.Kind.TRIPLE_FAULT);
        assertThat(exit.detail()).isEqualTo("KVM_EXIT_SHUTDOWN (triple fault)\n" + REGISTERS);
        assertThat(registerDumps).isOne();
    }

    @Test
    void failEntryNamesTheHardwareReasonAndCpu() {
        GuestExit exit = ends(new VcpuExit.FailEntry(0x80000021L, 1));
        assertThat(exit.kind()).isEqualTo(GuestExit.Kind.FAIL_ENTRY);
        assertThat(exit.detail()).isEqualTo(
                "KVM_EXIT_FAIL_ENTRY, hardware_entry_failure_reason 0x80000021, cpu 1\n" + REGISTERS);
    }

    @Test
    void internalErrorCarriesSuberrorAndData() {
        GuestExit exit = ends(new VcpuExit.InternalError(1, new long[] {7, 0xff}));
        assertThat(exit.kind()).isEqualTo(GuestExit.Kind.INTERNAL_ERROR);
        assertThat(exit.detail()).isEqualTo("KVM_EXIT_INTERNAL_ERROR, suberror 1, data [0x7 0xff]\n" + REGISTERS);
        assertThat(ends(new VcpuExit.InternalError(3, new long[0])).detail())
                .startsWith("KVM_EXIT_INTERNAL_ERROR, suberror 3, data []\n");
    }

    @Test
    void systemEventsShutdownResetAndCrash() {
        GuestExit shutdown = ends(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.SHUTDOWN, new long[0]));
        assertThat(shutdown).isEqualTo(new GuestExit(GuestExit.Kind.POWEROFF, -1, "KVM system event: shutdown"));
        GuestExit reset = ends(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.RESET, new long[] {0}));
        assertThat(reset).isEqualTo(new GuestExit(GuestExit.Kind.RESET, -1, "KVM system event: reset"));
        GuestExit crash = ends(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.CRASH, new long[0]));
        assertThat(crash).isEqualTo(new GuestExit(GuestExit.Kind.PANIC, -1, "KVM system event: crash"));
        assertThat(registerDumps).isZero();
    }

    @Test
    void anUnknownSystemEventIsAGuestCrashNamingIt() {
        GuestExit wakeup = ends(new VcpuExit.SystemEvent(4, new long[] {0x10}));
        assertThat(wakeup.kind()).isEqualTo(GuestExit.Kind.UNHANDLED_EXIT);
        assertThat(wakeup.detail()).isEqualTo("unknown KVM system event 4 (KVM_SYSTEM_EVENT_WAKEUP), data [0x10]");
        assertThat(ends(new VcpuExit.SystemEvent(99, new long[0])).detail()).isEqualTo("unknown KVM system event 99");
        GuestExit sevTerm = ends(new VcpuExit.SystemEvent(6, new long[0]));
        assertThat(sevTerm.kind()).isEqualTo(GuestExit.Kind.UNHANDLED_EXIT);
        assertThat(sevTerm.detail()).isEqualTo("unknown KVM system event 6 (KVM_SYSTEM_EVENT_SEV_TERM)");
    }

    @Test
    void anUnknownExitIsAGuestCrashWithItsKvmNameAndRegisters() {
        GuestExit debug = ends(new VcpuExit.Unknown(4));
        assertThat(debug.kind()).isEqualTo(GuestExit.Kind.UNHANDLED_EXIT);
        assertThat(debug.detail()).isEqualTo("unexpected KVM exit reason 4 (KVM_EXIT_DEBUG)\n" + REGISTERS);
        assertThat(ends(new VcpuExit.Unknown(1)).detail()).startsWith("unexpected KVM exit reason 1 (KVM_EXIT_EXCEPTION)\n");
        assertThat(ends(new VcpuExit.Unknown(4242)).detail()).startsWith("unexpected KVM exit reason 4242\n");
    }

    @Test
    void unknownExceptionAndDebugExitsNameTheHardwaresReason() {
        GuestExit unknown = ends(new VcpuExit.Unknown(0, new long[] {0x7b, 0, 0, 0}));
        assertThat(unknown.kind()).isEqualTo(GuestExit.Kind.UNHANDLED_EXIT);
        assertThat(unknown.detail()).isEqualTo(
                "unexpected KVM exit reason 0 (KVM_EXIT_UNKNOWN), hardware_exit_reason 0x7b\n" + REGISTERS);
        GuestExit exception = ends(new VcpuExit.Unknown(1, new long[] {6, 0, 0, 0}));
        assertThat(exception.kind()).isEqualTo(GuestExit.Kind.UNHANDLED_EXIT);
        assertThat(exception.detail()).startsWith(
                "unexpected KVM exit reason 1 (KVM_EXIT_EXCEPTION), exception 6 (#UD), error_code 0x0\n");
        GuestExit debug = ends(new VcpuExit.Unknown(4, new long[] {3, 0x100004, 0xffff0ff0L, 0x400}));
        assertThat(debug.detail()).startsWith("unexpected KVM exit reason 4 (KVM_EXIT_DEBUG), debug exception 3 (#BP),"
                + " pc 0x100004, dr6 0xffff0ff0, dr7 0x400\n");
        GuestExit hypercall = ends(new VcpuExit.Unknown(3, new long[] {1, 2, 3, 4}));
        assertThat(hypercall.detail()).startsWith("unexpected KVM exit reason 3 (KVM_EXIT_HYPERCALL)\n");
        assertThat(registerDumps).isEqualTo(4);
    }

    @Test
    void everyExitTheGuestCausesEndsAsTheGuestsFaultNeverAsAMonitorError() {
        List<VcpuExit> exits = List.of(VcpuExit.HALT, VcpuExit.SHUTDOWN, new VcpuExit.FailEntry(1, 0),
                new VcpuExit.InternalError(1, new long[0]), new VcpuExit.Unknown(0), new VcpuExit.Unknown(1),
                new VcpuExit.Unknown(4), new VcpuExit.Unknown(10), new VcpuExit.Unknown(Integer.MAX_VALUE),
                new VcpuExit.SystemEvent(1, new long[0]), new VcpuExit.SystemEvent(5, new long[0]),
                new VcpuExit.SystemEvent(-1, new long[0]));
        for (VcpuExit exit : exits) {
            assertThat(ends(exit).kind()).as("%s", exit).isNotEqualTo(GuestExit.Kind.VMM_ERROR);
        }
    }

    @Test
    void unknownExitsHoldAtMostFourUnionWords() {
        assertThatThrownBy(() -> new VcpuExit.Unknown(0, new long[5])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 4");
    }

    @Test
    void portExitsWhoseDataDoesNotMatchSizeTimesCountCannotBeMade() {
        assertThatThrownBy(() -> new VcpuExit.PortOut(0x3f8, 1, 2, new byte[1]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VcpuExit.PortIn(0x3f8, 3, 1, new byte[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1, 2 or 4");
    }
}
