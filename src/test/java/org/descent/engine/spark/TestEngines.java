package org.descent.engine.spark;

import org.descent.engine.EngineOptions;

/** Engine options the engine's tests ask for by name. */
final class TestEngines {
    private TestEngines() {
    }

    /** One Spark job per step. */
    static EngineOptions job() {
        return EngineOptions.defaults().withMode(EngineOptions.Mode.JOB);
    }

    /**
     * A barrier stage with the star exchange, synchronized batch norm or not, and this task timeout; overlapped
     * (engine.overlap = on, which auto leaves off on this one host), so that the tests' TCP links run every path.
     */
    static EngineOptions star(boolean syncBatchNorm, int timeoutSeconds) {
        return EngineOptions.defaults().withMode(EngineOptions.Mode.BARRIER).withExchange(EngineOptions.Exchange.STAR)
                .withSyncBatchNorm(syncBatchNorm).withTimeoutSeconds(timeoutSeconds).withOverlap(true);
    }

    /** A barrier stage with the tree exchange. */
    static EngineOptions tree(boolean syncBatchNorm, int timeoutSeconds) {
        return star(syncBatchNorm, timeoutSeconds).withExchange(EngineOptions.Exchange.TREE);
    }
}
