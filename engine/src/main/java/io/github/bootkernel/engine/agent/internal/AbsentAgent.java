package io.github.bootkernel.engine.agent.internal;

import io.github.bootkernel.engine.AgentException;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecListener;
import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.engine.agent.Execution;
import io.github.bootkernel.engine.agent.GuestAgent;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent of a machine started without one: every request fails at once, naming what is
 * missing, instead of waiting for a connection that cannot come.
 */
public final class AbsentAgent implements GuestAgent {

    private final String machine;

    /** @param machine the machine, for messages: its kernel and initrd */
    public AbsentAgent(String machine) {
        this.machine = machine;
    }

    @Override
    public boolean isConnected() {
        return false;
    }

    @Override
    public void awaitConnected(Duration timeout) {
        throw absent("wait for the agent");
    }

    @Override
    public ExecResult exec(Exec exec) {
        throw absent("run '" + exec + "'");
    }

    @Override
    public Execution start(Exec exec, ExecListener listener) {
        throw absent("run '" + exec + "'");
    }

    @Override
    public void copyToGuest(Path hostFile, String guestPath, int mode, Duration timeout) {
        throw absent("copy " + hostFile + " to " + guestPath);
    }

    @Override
    public void copyFromGuest(String guestPath, Path hostFile, long maxBytes, Duration timeout) {
        throw absent("copy " + guestPath + " to " + hostFile);
    }

    private AgentException absent(String what) {
        return new AgentException(AgentException.Reason.NO_AGENT, "cannot " + what + ": " + machine
                + " was started without the guest agent; boot an initramfs that starts bootkernel-agent on ttyS1"
                + " (BusyboxInitramfs.withAgent(), the extension's initramfs \"busybox\") and set"
                + " MachineConfig.Builder.agent(true)", 0, null);
    }
}
