package org.ganscope.analysis.explain;

import java.util.List;

/**
 * A logical formula over concepts, built left-deep as in Mu and Andreas (2020):
 * {@code ((c1 op c2) op c3)} with op in AND, OR, AND NOT.
 */
public sealed interface Formula permits Formula.Leaf, Formula.Node {
    enum Op {
        AND("AND"), OR("OR"), AND_NOT("AND NOT");

        final String text;

        Op(String text) {
            this.text = text;
        }
    }

    int length();

    String render(List<String> names);

    record Leaf(int concept) implements Formula {
        @Override
        public int length() {
            return 1;
        }

        @Override
        public String render(List<String> names) {
            return names.get(concept);
        }
    }

    record Node(Op op, Formula left, int concept) implements Formula {
        @Override
        public int length() {
            return left.length() + 1;
        }

        @Override
        public String render(List<String> names) {
            String l = left.render(names);
            return (left instanceof Node ? "(" + l + ")" : l) + " " + op.text + " " + names.get(concept);
        }
    }

    /** The formula's mask from the concepts' masks. */
    static BitMask mask(Formula f, List<BitMask> concepts) {
        if (f instanceof Leaf leaf) {
            return concepts.get(leaf.concept());
        }
        Node n = (Node) f;
        BitMask left = mask(n.left(), concepts);
        BitMask out = new BitMask(left.size());
        BitMask.combine(left, concepts.get(n.concept()), n.op(), out);
        return out;
    }
}
