package org.ganscope.analysis.explain;

import java.util.ArrayList;
import java.util.List;
import org.ganscope.analysis.bundle.Manifest;

/**
 * The concepts of a bundle's explanations: the classes (without each group's class 0, its
 * "nothing") of every concept group in manifest order. The main group's come first, concept
 * {@code i} = main class {@code i + 1}, named by the class; each further group's follow, named
 * {@code group:class} (e.g. {@code part:door}, {@code material:brick}, {@code color:red}), so a
 * name never collides with the main group's. On a schema 2 bundle a pixel carries one label
 * per group and so lies in up to one concept of each group, which is what gives AND and AND NOT
 * a meaning; a schema 1 bundle has the main group only (one concept per pixel).
 */
public final class Concepts {
    private final List<String> names;
    private final int[] first; // concept index of class 1 of each group
    private final int[] group; // per concept its group

    private Concepts(List<String> names, int[] first, int[] group) {
        this.names = names;
        this.first = first;
        this.group = group;
    }

    public static Concepts of(Manifest m) {
        List<Manifest.ConceptGroup> groups = m.groups();
        int[] first = new int[groups.size()];
        List<String> names = new ArrayList<>();
        List<Integer> group = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            first[g] = names.size();
            for (Manifest.ConceptClass c : groups.get(g).classes().subList(1, groups.get(g).numClasses())) {
                names.add(g == 0 ? c.name() : groups.get(g).name() + ":" + c.name());
                group.add(g);
            }
        }
        return new Concepts(List.copyOf(names), first, group.stream().mapToInt(Integer::intValue).toArray());
    }

    public List<String> names() {
        return names;
    }

    public int size() {
        return names.size();
    }

    public int groups() {
        return first.length;
    }

    /** The concept of class {@code cls >= 1} of group {@code g}. */
    public int concept(int g, int cls) {
        return first[g] + cls - 1;
    }

    /** The group of concept {@code c}. */
    public int group(int c) {
        return group[c];
    }

    /** The class (>= 1) within its group of concept {@code c}. */
    public int classOf(int c) {
        return c - first[group[c]] + 1;
    }
}
