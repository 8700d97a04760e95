package org.descent.landscape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.descent.util.Suggest;

/** Looks up test functions by name: beale, saddle, rosenbrock, quadratic. */
public final class TestFunctions {
    private static final Map<String, Supplier<TestFunction>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("beale", Beale::new);
        ALL.put("saddle", Saddle::new);
        ALL.put("rosenbrock", Rosenbrock::new);
        ALL.put("quadratic", IllConditionedQuadratic::new);
    }

    private TestFunctions() {
    }

    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /** @throws IllegalArgumentException naming the nearest known function */
    public static TestFunction byName(String name) {
        Supplier<TestFunction> f = ALL.get(name);
        if (f == null) {
            throw new IllegalArgumentException(Suggest.unknown("function", name, ALL.keySet()));
        }
        return f.get();
    }
}
