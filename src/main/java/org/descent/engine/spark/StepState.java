package org.descent.engine.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * What a step's tasks compute with: the parameters and the non-trained buffers. Serialized (job mode's
 * task closure) through {@link BulkArrays}, not value by value.
 */
public record StepState(float[] params, float[] buffers) implements Serializable {
    private Object writeReplace() {
        return new Form(this);
    }

    /** The serialized form: the two arrays in bulk. */
    private static final class Form implements Serializable {
        private static final long serialVersionUID = 1L;
        private transient StepState state;

        Form(StepState state) {
            this.state = state;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            BulkArrays.writeFloats(out, state.params());
            BulkArrays.writeFloats(out, state.buffers());
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            state = new StepState(BulkArrays.readFloats(in), BulkArrays.readFloats(in));
        }

        private Object readResolve() {
            return state;
        }
    }
}
