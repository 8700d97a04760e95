package org.descent.models;

import java.util.ArrayList;
import java.util.List;
import org.descent.nn.Layer;
import org.descent.nn.Sequential;
import org.descent.nn.layers.Conv2d;
import org.descent.nn.layers.Dense;
import org.descent.nn.layers.Flatten;
import org.descent.nn.layers.MaxPool2d;
import org.descent.nn.layers.ReLU;
import org.descent.nn.norm.BatchNorm;
import org.descent.tensor.Shape;

/** The reference architectures used by tests, benchmarks and the shipped configurations. */
public final class Models {
    private Models() {
    }

    /**
     * A ReLU multilayer perceptron: {@code sizes[0]} inputs, hidden layers {@code sizes[1..n-2]},
     * {@code sizes[n-1]} logits. Input shape {@code [sizes[0]]}; a {@code [1,28,28]} image is
     * accepted through a leading flatten when {@code sizes[0] = 784}.
     */
    public static Sequential mlp(int... sizes) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs an input and an output size");
        }
        List<Layer> layers = new ArrayList<>();
        Shape input = sizes[0] == 784 ? Shape.of(1, 28, 28) : Shape.of(sizes[0]);
        if (input.rank() > 1) {
            layers.add(new Flatten());
        }
        for (int i = 1; i < sizes.length; i++) {
            layers.add(new Dense(sizes[i]));
            if (i < sizes.length - 1) {
                layers.add(new ReLU());
            }
        }
        return new Sequential(input, layers);
    }

    /**
     * The Fashion-MNIST CNN of the benchmarks: conv 3×3 32 (pad 1) [+ BN] + ReLU + maxpool 2,
     * conv 3×3 64 (pad 1) [+ BN] + ReLU + maxpool 2, dense 128 + ReLU, dense 10, on {@code [1,28,28]}.
     */
    public static Sequential fashionCnn(boolean batchNorm) {
        return fashionCnn(batchNorm, 32, 64);
    }

    /**
     * As {@link #fashionCnn(boolean)} with the given channels per conv block ({@code conf/fashion-cnn.conf}'s network
     * is {@code fashionCnn(true, 64, 128)}).
     */
    public static Sequential fashionCnn(boolean batchNorm, int... blockChannels) {
        List<Layer> layers = new ArrayList<>();
        for (int channels : blockChannels) {
            layers.add(new Conv2d(channels, 3, 3, 1, 1));
            if (batchNorm) {
                layers.add(new BatchNorm());
            }
            layers.add(new ReLU());
            layers.add(new MaxPool2d(2, 2));
        }
        layers.add(new Flatten());
        layers.add(new Dense(128));
        layers.add(new ReLU());
        layers.add(new Dense(10));
        return new Sequential(Shape.of(1, 28, 28), layers);
    }
}
