package org.descent.nn;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where each named parameter tensor lives in the model's one flat {@code float[]}: segments in a
 * fixed order (layer by layer, parameter by parameter), contiguous, no gaps. Optimizers see it so
 * layer-wise methods (LARS, LAMB) can compute per-segment norms.
 */
public final class ParamLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One parameter tensor: {@code name} is {@code "<layerIndex>.<layerType>.<param>"}, e.g. {@code "0.dense.weight"}. */
    public record Segment(String name, int layer, int offset, ParamSpec spec) implements Serializable {
        public int length() {
            return spec.length();
        }

        public int end() {
            return offset + spec.length();
        }
    }

    private final List<Segment> segments;
    private final int size;

    private ParamLayout(List<Segment> segments, int size) {
        this.segments = Collections.unmodifiableList(segments);
        this.size = size;
    }

    /** A layout with one segment covering {@code size} floats: for optimizers on plain vectors. */
    public static ParamLayout flat(int size) {
        return builder().add(0, "x", new ParamSpec("x", size, Math.max(1, size), Math.max(1, size), null, true)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Segment> segments() {
        return segments;
    }

    /** Total number of parameters. */
    public int size() {
        return size;
    }

    public Segment segment(String name) {
        for (Segment s : segments) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no parameter named " + name);
    }

    /** The segment containing flat index {@code i}. */
    public Segment segmentAt(int i) {
        for (Segment s : segments) {
            if (i >= s.offset() && i < s.end()) {
                return s;
            }
        }
        throw new IndexOutOfBoundsException(i);
    }

    public static final class Builder {
        private final List<Segment> segments = new ArrayList<>();
        private int next;

        public Builder add(int layer, String name, ParamSpec spec) {
            segments.add(new Segment(name, layer, next, spec));
            next = Math.addExact(next, spec.length());
            return this;
        }

        public ParamLayout build() {
            return new ParamLayout(new ArrayList<>(segments), next);
        }
    }
}
