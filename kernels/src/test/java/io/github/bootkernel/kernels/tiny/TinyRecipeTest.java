package io.github.bootkernel.kernels.tiny;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cache key: linux-source version plus a hash of the build steps and the fragments. */
class TinyRecipeTest {

    private static TinyRecipe recipe(String... texts) {
        List<ConfigFragment> fragments = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            fragments.add(ConfigFragment.parse("f" + i + ".config", texts[i]));
        }
        return new TinyRecipe("tiny", fragments);
    }

    @Test
    void keyIsTheSourceVersionAndAHashOfTheFragments() {
        TinyRecipe recipe = recipe("CONFIG_A=y\n");

        assertThat(recipe.configHash()).matches("[0-9a-f]{16}").isEqualTo(recipe("CONFIG_A=y\n").configHash());
        assertThat(recipe.key("6.1.192-2")).isEqualTo("6.1.192-2_" + recipe.configHash());
        assertThat(recipe.key("1:6.1.192-2")).isEqualTo("1_6.1.192-2_" + recipe.configHash());
    }

    @Test
    void hashChangesWithAnyOptionButNotWithCommentsOrLineOrder() {
        String base = recipe("CONFIG_A=y\nCONFIG_B=y\n").configHash();

        assertThat(recipe("CONFIG_A=y\nCONFIG_B=y\nCONFIG_C=y\n").configHash()).isNotEqualTo(base);
        assertThat(recipe("CONFIG_A=y\n# CONFIG_B is not set\n").configHash()).isNotEqualTo(base);
        assertThat(recipe("CONFIG_A=y\nCONFIG_B=m\n").configHash()).isNotEqualTo(base);
        assertThat(recipe("CONFIG_B=y\nCONFIG_A=y\n").configHash()).as("order within a fragment")
                .isEqualTo(base);
        assertThat(recipe("CONFIG_A=y\n", "CONFIG_B=y\n").configHash()).as("split into two fragments")
                .isNotEqualTo(base);
        assertThat(recipe("# what A is\nCONFIG_A=y\n\nCONFIG_B=y   \n").configHash()).as("comments, blanks")
                .isEqualTo(base);
    }

    @Test
    void shippedIdsHaveDifferentKeysAndKunitExtendsTiny() {
        TinyRecipe tiny = TinyKernels.recipe("tiny");
        TinyRecipe kunit = TinyKernels.recipe("tiny-kunit");

        assertThat(tiny.fragmentNames()).isEqualTo("tiny.config");
        assertThat(kunit.fragmentNames()).isEqualTo("tiny.config + tiny-kunit.config");
        assertThat(kunit.configHash()).isNotEqualTo(tiny.configHash());
        assertThat(kunit.wanted()).containsAllEntriesOf(tiny.wanted()).containsEntry("KUNIT_ALL_TESTS", "y");
        assertThat(kunit.appendix()).contains("# --- bootkernel: tiny.config\n", "# --- bootkernel: tiny-kunit.config\n",
                "\nCONFIG_KUNIT=y\n");
        assertThatThrownBy(() -> TinyKernels.recipe("huge"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown tiny kernel id 'huge'; known: [tiny, tiny-kunit]");
    }
}
