package io.github.bootkernel.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a fixture class: it runs only inside {@link TestKit#run}, which sets the configuration
 * parameter {@value #KEY}; run directly (an IDE, a Surefire pattern), it is disabled.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(TestKitOnly.Condition.class)
@interface TestKitOnly {

    String KEY = "bootkernel.test.fixtures";

    /** Enables a fixture only in a test-kit run. */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(KEY).map(Boolean::parseBoolean).orElse(false)
                    ? ConditionEvaluationResult.enabled("running in the test kit")
                    : ConditionEvaluationResult.disabled("a fixture, run through the JUnit Platform test kit only");
        }
    }
}
