package org.descent.optim;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The explicit state of a {@link GradientTransform}: named float vectors (moments, velocities,
 * step sizes), named double scalars, and the states of chained children. It is plain data,
 * serializable and comparable bit for bit, so a checkpoint carries every moment and resume is
 * exact. The driver owns it; executors never see it.
 */
public final class OptState implements Serializable {
    private static final long serialVersionUID = 1L;
    private final LinkedHashMap<String, float[]> slots = new LinkedHashMap<>();
    private final LinkedHashMap<String, double[]> scalars = new LinkedHashMap<>();
    private final List<OptState> children = new ArrayList<>();

    /** A vector slot, created zero-filled with {@code length} floats on first use. */
    public float[] slot(String name, int length) {
        return slots.computeIfAbsent(name, k -> new float[length]);
    }

    /** An existing vector slot. */
    public float[] slot(String name) {
        float[] s = slots.get(name);
        if (s == null) {
            throw new IllegalStateException("optimizer state has no slot " + name + "; it has " + slots.keySet());
        }
        return s;
    }

    public boolean hasSlot(String name) {
        return slots.containsKey(name);
    }

    /** A scalar slot, created with {@code initial} on first use; returned as a 1-element array to update in place. */
    public double[] scalar(String name, double initial) {
        return scalars.computeIfAbsent(name, k -> new double[] {initial});
    }

    public OptState addChild(OptState child) {
        children.add(child);
        return this;
    }

    public OptState child(int i) {
        return children.get(i);
    }

    public int childCount() {
        return children.size();
    }

    public Map<String, float[]> slots() {
        return slots;
    }

    public Map<String, double[]> scalars() {
        return scalars;
    }

    /** Every vector slot of this state and its children, depth first: what an update may change entry by entry. */
    public List<float[]> vectors() {
        List<float[]> out = new ArrayList<>(slots.values());
        for (OptState c : children) {
            out.addAll(c.vectors());
        }
        return out;
    }

    public OptState deepCopy() {
        OptState c = new OptState();
        slots.forEach((k, v) -> c.slots.put(k, v.clone()));
        scalars.forEach((k, v) -> c.scalars.put(k, v.clone()));
        children.forEach(ch -> c.children.add(ch.deepCopy()));
        return c;
    }

    /** Bitwise equality of every slot, scalar and child. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OptState other)) {
            return false;
        }
        if (!slots.keySet().equals(other.slots.keySet()) || !scalars.keySet().equals(other.scalars.keySet())
                || children.size() != other.children.size()) {
            return false;
        }
        for (var e : slots.entrySet()) {
            if (!Arrays.equals(e.getValue(), other.slots.get(e.getKey()))) {
                return false;
            }
        }
        for (var e : scalars.entrySet()) {
            if (!Arrays.equals(e.getValue(), other.scalars.get(e.getKey()))) {
                return false;
            }
        }
        return children.equals(other.children);
    }

    @Override
    public int hashCode() {
        return slots.keySet().hashCode() * 31 + children.size();
    }

    @Override
    public String toString() {
        return "OptState" + slots.keySet() + scalars.keySet() + (children.isEmpty() ? "" : children.toString());
    }
}
