package org.descent.optim;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.descent.nn.ParamLayout;

/** Applies transforms in order, each to the previous one's output; its state holds one child state per stage. */
public final class Chain implements GradientTransform {
    private static final long serialVersionUID = 1L;
    private final List<GradientTransform> stages;

    private Chain(List<GradientTransform> stages) {
        this.stages = List.copyOf(stages);
    }

    public static GradientTransform of(GradientTransform... stages) {
        return stages.length == 1 ? stages[0] : new Chain(Arrays.asList(stages));
    }

    public static GradientTransform of(List<GradientTransform> stages) {
        return stages.size() == 1 ? stages.get(0) : new Chain(stages);
    }

    @Override
    public OptState init(ParamLayout layout) {
        OptState s = new OptState();
        for (GradientTransform t : stages) {
            s.addChild(t.init(layout));
        }
        return s;
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step) {
        for (int i = 0; i < stages.size(); i++) {
            stages.get(i).update(u, state.child(i), params, step);
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        for (GradientTransform t : stages) {
            t.hyperparameters(step, into);
        }
    }

    /** Element-wise when every stage is: a range then passes through every stage in order. */
    @Override
    public boolean elementwise() {
        return stages.stream().allMatch(GradientTransform::elementwise);
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step, int from, int to) {
        for (int i = 0; i < stages.size(); i++) {
            stages.get(i).update(u, state.child(i), params, step, from, to);
        }
    }

    @Override
    public String toString() {
        return stages.stream().map(Object::toString).collect(Collectors.joining(" → "));
    }
}
