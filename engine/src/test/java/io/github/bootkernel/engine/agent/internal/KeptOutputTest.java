package io.github.bootkernel.engine.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The keep limit of one output stream: bytes up to it kept in order, the rest counted. */
class KeptOutputTest {

    @Test
    void keepsUpToTheLimitAndCountsTheRest() {
        KeptOutput out = new KeptOutput(10);
        out.add(new byte[] {1, 2, 3});
        out.add(new byte[0]);
        out.add(new byte[] {4, 5, 6, 7, 8, 9, 10, 11, 12}); // straddles the limit
        out.add(new byte[] {13});
        assertThat(out.kept()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(out.dropped()).isEqualTo(3);
    }

    @Test
    void aStreamExactlyAtTheLimitDropsNothing() {
        KeptOutput out = new KeptOutput(5000);
        out.add(new byte[4999]);
        out.add(new byte[] {42});
        assertThat(out.kept()).hasSize(5000).endsWith(42);
        assertThat(out.dropped()).isZero();
        out.add(new byte[] {1});
        assertThat(out.dropped()).isEqualTo(1);
    }
}
