package io.github.bootkernel.bench.sections;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandChannelTest {

    @Test
    void theThroughputsSizeFollowsTheProbe() {
        assertThat(CommandChannel.bytes(1.0)).isEqualTo(4096 * CommandChannel.TARGET_SECONDS);
        assertThat(CommandChannel.bytes(100)).isEqualTo(16 << 10);
        assertThat(CommandChannel.bytes(0)).isEqualTo(8 << 20);
    }

    @Test
    void thePropertyFixesTheSize() {
        System.setProperty(CommandChannel.BYTES_PROPERTY, "3");
        try {
            assertThat(CommandChannel.bytes(1.0)).isEqualTo(3 * 1024);
        } finally {
            System.clearProperty(CommandChannel.BYTES_PROPERTY);
        }
    }
}
