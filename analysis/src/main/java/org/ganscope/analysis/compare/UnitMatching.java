package org.ganscope.analysis.compare;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jgrapht.alg.interfaces.MatchingAlgorithm;
import org.jgrapht.alg.matching.KuhnMunkresMinimalWeightBipartitePerfectMatching;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

/**
 * Units of two models (the same dataset and layer) paired by their concept profiles: a
 * unit's profile is its IoU with every class of every concept group, two units' similarity
 * the cosine of their profiles (0 when either profile is all zeros). The pairing maximises the
 * summed similarity over one-to-one pairs (the assignment problem, solved exactly by
 * Kuhn-Munkres on cost {@code 1 - similarity}); when the models have different unit counts,
 * the smaller side is padded with profile-less stand-ins at similarity 0, and the units paired
 * with a stand-in stay unmatched.
 */
public final class UnitMatching {
    /** Unit {@code a} of the first model paired with unit {@code b} of the second, at cosine {@code similarity}. */
    public record Pair(int a, int b, double similarity) {
    }

    /** The pairs, most similar first, and the units of each side left without a partner. */
    public record Result(List<Pair> pairs, List<Integer> unmatchedA, List<Integer> unmatchedB) {
        public double total() {
            return pairs.stream().mapToDouble(Pair::similarity).sum();
        }
    }

    private UnitMatching() {
    }

    /** The cosine of two profiles; 0 when either has no nonzero entry. */
    public static double cosine(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("profiles of " + x.length + " and " + y.length + " concepts: not the same concepts");
        }
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (int i = 0; i < x.length; i++) {
            xy += x[i] * y[i];
            xx += x[i] * x[i];
            yy += y[i] * y[i];
        }
        return xx == 0 || yy == 0 ? 0 : xy / Math.sqrt(xx * yy);
    }

    /** Pairs the units of {@code a} ({@code [unit][concept]}) with those of {@code b}, maximising the summed cosine. */
    public static Result match(double[][] a, double[][] b) {
        int n = Math.max(a.length, b.length);
        SimpleWeightedGraph<Integer, DefaultWeightedEdge> g = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
        java.util.Set<Integer> left = new java.util.LinkedHashSet<>();
        java.util.Set<Integer> right = new java.util.LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            g.addVertex(i);
            left.add(i);
            g.addVertex(n + i);
            right.add(n + i);
        }
        double[][] sim = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sim[i][j] = i < a.length && j < b.length ? cosine(a[i], b[j]) : 0;
                g.setEdgeWeight(g.addEdge(i, n + j), 1 - sim[i][j]);
            }
        }
        MatchingAlgorithm.Matching<Integer, DefaultWeightedEdge> m = new KuhnMunkresMinimalWeightBipartitePerfectMatching<>(g, left, right)
                .getMatching();
        List<Pair> pairs = new ArrayList<>();
        List<Integer> unA = new ArrayList<>();
        List<Integer> unB = new ArrayList<>();
        for (DefaultWeightedEdge e : m.getEdges()) {
            int i = Math.min(g.getEdgeSource(e), g.getEdgeTarget(e));
            int j = Math.max(g.getEdgeSource(e), g.getEdgeTarget(e)) - n;
            if (i < a.length && j < b.length) {
                pairs.add(new Pair(i, j, sim[i][j]));
            } else if (i < a.length) {
                unA.add(i);
            } else if (j < b.length) {
                unB.add(j);
            }
        }
        pairs.sort(Comparator.comparingDouble(Pair::similarity).reversed().thenComparingInt(Pair::a));
        unA.sort(null);
        unB.sort(null);
        return new Result(List.copyOf(pairs), List.copyOf(unA), List.copyOf(unB));
    }
}
