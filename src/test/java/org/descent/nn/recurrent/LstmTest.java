package org.descent.nn.recurrent;

import org.descent.init.RecurrentInit;

/** The lstm layer: against PyTorch's nn.LSTM, BPTT by finite differences, exact mode, shapes and per-gate initialization. */
class LstmTest extends GatedLayerTestBase {
    @Override
    String kind() {
        return "lstm";
    }

    @Override
    RecurrentLayer make(int hidden, boolean last, RecurrentInit init) {
        return new Lstm(hidden, last, init);
    }
}
