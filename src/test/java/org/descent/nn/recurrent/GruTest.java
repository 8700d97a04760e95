package org.descent.nn.recurrent;

import org.descent.init.RecurrentInit;

/** The gru layer: against PyTorch's nn.GRU, BPTT by finite differences, exact mode, shapes and per-gate initialization. */
class GruTest extends GatedLayerTestBase {
    @Override
    String kind() {
        return "gru";
    }

    @Override
    RecurrentLayer make(int hidden, boolean last, RecurrentInit init) {
        return new Gru(hidden, last, init);
    }
}
