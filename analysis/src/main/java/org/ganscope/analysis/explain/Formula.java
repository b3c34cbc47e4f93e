package org.ganscope.analysis.explain;

import java.util.List;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** Whether the formula combines a concept with {@code op} anywhere. */
    boolean uses(Op op);

    /**
     * Whether a pixel lies in the formula's mask, given which concepts it lies in (on a
     * schema 2 bundle a pixel is in up to one concept per group; see {@link Concepts}).
     */
    boolean test(IntPredicate inConcept);

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

        @Override
        public boolean uses(Op op) {
            return false;
        }

        @Override
        public boolean test(IntPredicate inConcept) {
            return inConcept.test(concept);
        }

        @Override
        public String code() {
            return Integer.toString(concept);
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

        @Override
        public boolean uses(Op o) {
            return op == o || left.uses(o);
        }

        @Override
        public boolean test(IntPredicate inConcept) {
            boolean c = inConcept.test(concept);
            return switch (op) {
                case AND -> left.test(inConcept) && c;
                case OR -> left.test(inConcept) || c;
                case AND_NOT -> left.test(inConcept) && !c;
            };
        }

        @Override
        public String code() {
            return left.code() + switch (op) {
                case AND -> "&";
                case OR -> "|";
                case AND_NOT -> "-";
            } + concept;
        }
    }

    /**
     * Whether a pixel whose (only) segmentation label is {@code label} lies in the formula's
     * mask: a bundle with the main group only (0 = unlabeled, concept {@code c} is label {@code c + 1}).
     */
    default boolean test(int label) {
        return test(c -> label == c + 1);
    }

    /** A compact machine form, e.g. {@code 3&5|7-9} (& AND, | OR, - AND NOT); {@link #parse} reads it back. */
    String code();

    static Formula parse(String code) {
        Matcher m = Pattern.compile("([&|-]?)(\\d+)").matcher(code);
        Formula f = null;
        int end = 0;
        while (m.find()) {
            if (m.start() != end || (f == null) != m.group(1).isEmpty()) {
                throw new IllegalArgumentException("not a formula code: " + code);
            }
            int c = Integer.parseInt(m.group(2));
            f = f == null ? new Leaf(c) : new Node(switch (m.group(1)) {
                case "&" -> Op.AND;
                case "|" -> Op.OR;
                default -> Op.AND_NOT;
            }, f, c);
            end = m.end();
        }
        if (f == null || end != code.length()) {
            throw new IllegalArgumentException("not a formula code: " + code);
        }
        return f;
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
