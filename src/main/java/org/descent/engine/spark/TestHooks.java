package org.descent.engine.spark;

import java.util.function.Consumer;

/**
 * What the engine's own tests inject into a {@link SparkTrainer} (package-private: nothing outside this
 * package can set it): a partition made to stall or fail at a step of the first stage attempt
 * ({@link BarrierTask.Stall}), and a look at each barrier step service as it starts.
 */
record TestHooks(BarrierTask.Stall stall, Consumer<StepService> onService) {
    /** {@code partition} stops answering at global step {@code step}. */
    static TestHooks stall(int partition, long step) {
        return new TestHooks(new BarrierTask.Stall(partition, step, false, false), null);
    }

    /** {@code partition}'s task fails at global step {@code step}, or before it links to the driver when {@code step} is negative. */
    static TestHooks crash(int partition, long step) {
        return new TestHooks(new BarrierTask.Stall(partition, step, true, false), null);
    }

    /** {@code partition}'s task fails at global step {@code step} a second after it has sent its gradient, before its result. */
    static TestHooks crashAfterGradient(int partition, long step) {
        return new TestHooks(new BarrierTask.Stall(partition, step, true, true), null);
    }

    /** Only a look at each barrier step service as it starts. */
    static TestHooks observe(Consumer<StepService> onService) {
        return new TestHooks(null, onService);
    }

    /** These hooks, and a look at each step service. */
    TestHooks observing(Consumer<StepService> hook) {
        return new TestHooks(stall, hook);
    }
}
