package org.descent.loss;

/**
 * The 0-1 loss as a metric: the number of examples whose prediction is right. With k &gt; 1 outputs
 * the prediction is the arg max (the lowest index on ties) and the label a class index; with one
 * output it is a logit, predicting class 1 when positive.
 */
public final class Accuracy {
    private Accuracy() {
    }

    /** Correct predictions among the {@code n} examples of {@code out} ({@code n × k}). */
    public static long count(float[] out, float[] labels, int n, int k) {
        long correct = 0;
        for (int i = 0; i < n; i++) {
            int predicted;
            if (k == 1) {
                predicted = out[i] > 0f ? 1 : 0;
            } else {
                int o = i * k;
                predicted = 0;
                for (int j = 1; j < k; j++) {
                    if (out[o + j] > out[o + predicted]) {
                        predicted = j;
                    }
                }
            }
            if (predicted == labels[i]) {
                correct++;
            }
        }
        return correct;
    }
}
