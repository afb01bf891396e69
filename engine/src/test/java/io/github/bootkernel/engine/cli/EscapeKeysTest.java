package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.cli.EscapeKeys.Action;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EscapeKeysTest {

    private final EscapeKeys keys = new EscapeKeys();

    private List<Action> type(int... typed) {
        List<Action> actions = new ArrayList<>();
        for (int key : typed) {
            actions.add(keys.accept(key));
        }
        return actions;
    }

    @Test
    void ordinaryKeysAndCtrlCGoToTheGuest() {
        assertThat(type('l', 's', '\r', 0x03, 0x04, 0x1a, 0xff)).containsOnly(Action.SEND);
    }

    @Test
    void ctrlAThenXQuits() {
        assertThat(type(0x01, 'x')).containsExactly(Action.NONE, Action.QUIT);
    }

    @Test
    void ctrlATwiceSendsOneCtrlA() {
        assertThat(type(0x01, 0x01, 'a')).containsExactly(Action.NONE, Action.SEND, Action.SEND);
    }

    @Test
    void ctrlAThenHShowsHelp() {
        assertThat(type(0x01, 'h', 0x01, '?')).containsExactly(Action.NONE, Action.HELP, Action.NONE, Action.HELP);
        assertThat(EscapeKeys.HELP).contains("Ctrl-A x").contains("Ctrl-A Ctrl-A");
    }

    @Test
    void anyOtherKeyAfterCtrlAIsDroppedAndTheNextIsOrdinary() {
        assertThat(type(0x01, 'q', 'x', 0x01, 0x03, 0x03))
                .containsExactly(Action.NONE, Action.NONE, Action.SEND, Action.NONE, Action.NONE, Action.SEND);
    }
}
