package org.descent.util;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean" suggestions for unknown names (keys, optimizers, functions), by edit distance. */
public final class Suggest {
    private Suggest() {
    }

    /** The closest candidate by case-insensitive Levenshtein distance (the first on ties), or null when none. */
    public static String nearest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(name.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    /** "unknown WHAT 'name' (did you mean 'x'?); known: a, b, c". */
    public static String unknown(String what, String name, Collection<String> candidates) {
        String near = nearest(name, candidates);
        return "unknown " + what + " '" + name + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                + "; known: " + String.join(", ", candidates);
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
