package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.agent.internal.ChannelState;
import io.github.bootkernel.engine.devices.Uart16550;
import io.github.bootkernel.engine.kmsg.KernelLogGap;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import io.github.bootkernel.engine.kmsg.internal.RecordLog;
import io.github.bootkernel.engine.kvm.StateSupport;
import io.github.bootkernel.engine.kvm.VcpuState;
import io.github.bootkernel.engine.kvm.VmState;
import io.github.bootkernel.engine.memory.GuestMemory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A guard for {@link Snapshot#FILE_FORMAT}: the parts of every class a snapshot file holds, as they
 * were when format 1 was written. When this fails, what a snapshot holds has changed: write and
 * read the new part in {@link SnapshotFile}, raise {@link Snapshot#FILE_FORMAT} (files of the old
 * format are then refused as {@code FORMAT}, and the JUnit extension takes new ones), and update
 * the lists here.
 */
class SnapshotFileFormatTest {

    @Test
    void theClassesASnapshotFileHoldsHaveTheirFormatOneParts() {
        assertThat(fields(Snapshot.class)).containsExactlyInAnyOrder("number", "config", "regions", "memoryFile", "vmState",
                "vcpus", "com1", "com2", "cmosIndex", "partialLine", "consoleEndsInCr", "support", "agentState",
                "kernelLog", "closed", "file", "loadedFrom");
        assertThat(fields(VcpuState.class)).containsExactlyInAnyOrder("mpState", "regs", "sregs", "xsave", "fpu", "xcrs",
                "debugRegs", "lapic", "events", "msrIndices", "msrValues", "msrsRefused", "tscKhz");
        assertThat(fields(VmState.class)).containsExactlyInAnyOrder("irqchips", "pit2", "clock");
        assertThat(components(StateSupport.class)).containsExactly("mpState", "vcpuEvents", "debugRegs", "xsave",
                "xsave2Bytes", "xcrs", "tscKhz", "tscControl", "pitState2", "adjustClock", "kvmclockCtrl");
        assertThat(components(Uart16550.State.class)).containsExactly("hostQueue", "rxFifo", "txFifo", "registers",
                "fifosEnabled", "thrEmptyPending", "lineErrors", "modemDeltas", "irqLevel", "transmitOverruns",
                "inputRefused");
        assertThat(components(ChannelState.class)).containsExactly("sessionId", "agent", "version", "nextId", "klogId",
                "pendingSyncs", "partialFrame", "partialOffset", "outgoing");
        assertThat(components(RecordLog.Saved.class)).containsExactly("records", "gaps", "lost", "evicted", "malformed",
                "expected", "unavailable");
        assertThat(components(KernelRecord.class)).containsExactly("sequence", "level", "facility", "timestampMicros",
                "continuation", "message", "dictionary");
        assertThat(components(KernelLogGap.class)).containsExactly("first", "next");
        assertThat(components(GuestMemory.Region.class)).containsExactly("guestAddress", "size", "hostOffset");
    }

    /** The instance fields, in any order (getDeclaredFields promises none). */
    private static List<String> fields(Class<?> type) {
        return Arrays.stream(type.getDeclaredFields()).filter(f -> !Modifier.isStatic(f.getModifiers()))
                .map(Field::getName).toList();
    }

    private static List<String> components(Class<?> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    }
}
