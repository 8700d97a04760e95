package org.descent.nn;

/** Training uses batch statistics and dropout; evaluation uses running statistics and no dropout. */
public enum Mode {
    TRAIN,
    EVAL
}
