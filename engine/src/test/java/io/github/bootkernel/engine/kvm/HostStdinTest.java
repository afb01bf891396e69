package io.github.bootkernel.engine.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The calls on this JVM's own descriptor 0 that are safe to make in a test: Surefire gives its
 * forked JVM a pipe there. A closed descriptor 0 and raw mode on a terminal are exercised in child
 * processes by it-tests' {@code CommandLineToolTest}.
 */
class HostStdinTest {

    @Test
    void surefiresPipeIsOpenAndNoTerminal() {
        assertThat(HostStdin.isOpen()).isTrue();
        assertThat(HostStdin.occupyIfClosed()).as("nothing to occupy").isFalse();
        assertThat(HostStdin.isTerminal()).isFalse();
    }
}
