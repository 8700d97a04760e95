package org.descent.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExchangeCostModelTest {
    private final ExchangeCostModel net = ExchangeCostModel.network(25, 25e-6, 65536);

    @Test
    void fittingTwoRoundTripsRecoversAlphaAndBeta() {
        ExchangeCostModel m = new ExchangeCostModel(40e-6, 1e-9, 65536);
        double rtt1 = 2 * m.alpha() + 2 * 1e6 * m.beta();
        double rtt2 = 2 * m.alpha() + 2 * 16e6 * m.beta();
        ExchangeCostModel fitted = ExchangeCostModel.fit(1e6, rtt1, 16e6, rtt2, 65536);
        assertEquals(40e-6, fitted.alpha(), 1e-12);
        assertEquals(1e-9, fitted.beta(), 1e-18);
    }

    @Test
    void treeDepthFollowsTheTopologysParentRule() {
        assertEquals(0, ExchangeCostModel.depth(1, 2));
        assertEquals(1, ExchangeCostModel.depth(3, 2));
        assertEquals(2, ExchangeCostModel.depth(4, 2));
        assertEquals(3, ExchangeCostModel.depth(8, 2));
        assertEquals(7, ExchangeCostModel.depth(8, 1), "fan-out 1 is a chain");
    }

    @Test
    void oneExecutorCostsTheSameOnEveryTopology() {
        for (ExchangeCostModel.Topology t : new ExchangeCostModel.Topology[] {ExchangeCostModel.Topology.STAR, ExchangeCostModel.Topology.TREE,
                ExchangeCostModel.Topology.CHAIN}) {
            assertEquals(net.exchangeSeconds(ExchangeCostModel.Topology.STAR, 1, 1e6, 2), net.exchangeSeconds(t, 1, 1e6, 2), 1e-15, t.name());
            assertEquals(0.11 / (0.11 + net.exchangeSeconds(t, 1, 1e6, 2)), net.efficiency(t, 1, 1e6, 2, 0.1, 0.01), 1e-12);
        }
    }

    @Test
    void theStarGrowsWithEveryExecutorAndTheTreeOnlyWithItsDepth() {
        double star8 = net.exchangeSeconds(ExchangeCostModel.Topology.STAR, 8, 25e6, 2);
        double star128 = net.exchangeSeconds(ExchangeCostModel.Topology.STAR, 128, 25e6, 2);
        assertEquals(16, (star128 - 2 * net.alpha()) / (star8 - 2 * net.alpha()), 1e-9);
        double tree8 = net.exchangeSeconds(ExchangeCostModel.Topology.TREE, 8, 25e6, 2);
        double tree128 = net.exchangeSeconds(ExchangeCostModel.Topology.TREE, 128, 25e6, 2);
        assertEquals(2 * (ExchangeCostModel.depth(128, 2) - ExchangeCostModel.depth(8, 2)) * (net.alpha() + net.chunk() * net.beta()), tree128 - tree8, 1e-12);
        assertTrue(net.stepSeconds(ExchangeCostModel.Topology.OVERLAPPED_TREE, 128, 25e6, 2, 0.3, 0.02)
                < net.stepSeconds(ExchangeCostModel.Topology.TREE, 128, 25e6, 2, 0.3, 0.02), "overlap hides transfers behind compute");
    }

    /**
     * The overlapped tree as built exposes the first trained layer's share f: with f = 0 every transfer
     * hides behind the compute (the ideal), with f = 1 nothing does and it costs what the tree costs.
     */
    @Test
    void theOverlappedTreeExposesTheFirstLayersShare() {
        ExchangeCostModel.Topology o = ExchangeCostModel.Topology.OVERLAPPED_TREE;
        double tree = net.stepSeconds(ExchangeCostModel.Topology.TREE, 64, 25e6, 2, 0.3, 0.02);
        assertEquals(tree, net.stepSeconds(o, 64, 25e6, 1.0, 2, 0.3, 0.02), 1e-12, "f = 1: nothing to overlap");
        double ideal = net.stepSeconds(o, 64, 25e6, 0.0, 2, 0.3, 0.02);
        assertEquals(ideal, net.stepSeconds(o, 64, 25e6, 2, 0.3, 0.02), 1e-15);
        double m = 4 * 25e6;
        assertEquals(0.02 + Math.max(0.3, 2 * 2 * m * net.beta()) + 2 * (net.alpha() + ExchangeCostModel.depth(64, 2) * (net.alpha() + net.chunk() * net.beta())),
                ideal, 1e-12);
        double mlp = net.stepSeconds(o, 64, 25e6, 0.13, 2, 0.3, 0.02);
        assertTrue(ideal < mlp && mlp < tree, ideal + " < " + mlp + " < " + tree);
    }
}
