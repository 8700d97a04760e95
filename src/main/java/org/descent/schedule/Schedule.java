package org.descent.schedule;

import java.io.Serializable;

/** A hyperparameter (learning rate, momentum) as a pure function of the 0-based step. */
@FunctionalInterface
public interface Schedule extends Serializable {
    double at(long step);

    static Schedule constant(double value) {
        return new Constant(value);
    }

    /** The constant schedule, a record so it prints and compares by value. */
    record Constant(double value) implements Schedule {
        @Override
        public double at(long step) {
            return value;
        }
    }
}
