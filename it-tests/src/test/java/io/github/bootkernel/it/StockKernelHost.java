package io.github.bootkernel.it;

import io.github.bootkernel.engine.KvmAvailability;
import io.github.bootkernel.engine.MachineConfig;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Whether this machine can boot a stock kernel: it needs a {@code /dev/kvm} backed by hardware
 * virtualization ({@link KvmAvailability#bootsStockKernels()}). The build machines' PVM
 * {@code /dev/kvm} cannot (their CI runs these tests inside a nested VM); there the tests are
 * disabled with the reason, except under {@code CI=true}, where they run and fail rather than let
 * CI go green without booting anything.
 *
 * <p>A condition rather than an assumption: it is evaluated before the extension boots the guests
 * of static fields.
 */
public final class StockKernelHost implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            return ConditionEvaluationResult.enabled("CI=true: stock kernels must boot here");
        }
        KvmAvailability kvm = KvmAvailability.probe(MachineConfig.DEFAULT_KVM_DEVICE);
        if (!kvm.bootsStockKernels()) {
            return ConditionEvaluationResult.disabled(kvm.describe()
                    + (kvm.status() == KvmAvailability.Status.PVM ? "; run inside ../shared/nested-kvm/run" : ""));
        }
        return ConditionEvaluationResult.enabled(kvm.describe());
    }
}
