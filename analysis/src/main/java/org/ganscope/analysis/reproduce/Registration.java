package org.ganscope.analysis.reproduce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pre-registration of {@code ganscope reproduce} v3: bundles, seeds, constants and the five
 * pass rules, fixed in code before any run; the command prints {@link #describe} before it
 * loads a bundle or computes anything. Changing a rule is a change of this file (and of
 * docs/REPRODUCE.md), never of a run's options: the options change only how many images and
 * random draws a run spends, and the header states the smallest p-value they can reach.
 */
public final class Registration {
    /** Two fresh evaluation seeds; the dissection of seed e takes its thresholds from e + 1. */
    public static final long[] EVAL_SEEDS = {1101, 1201};
    /** Offsets from an evaluation seed e: unit activation sizes, insertion constants, measured images. */
    public static final long ACT_OFFSET = 2;
    public static final long K_OFFSET = 3;
    public static final long MEASURE_OFFSET = 5;
    /** Random unit sets of evaluation seed e: uniform from e + 10,000 + d, matched from e + 20,000, bootstrap from e + 30,000. */
    public static final long UNIFORM_OFFSET = 10_000;
    public static final long MATCHED_OFFSET = 20_000;
    public static final long BOOT_OFFSET = 30_000;
    /** The two artifact scoring seeds (single-unit ablation), and the seed of the overlap's matched draws. */
    public static final long[] SCORE_SEEDS = {2101, 2201};
    public static final long OVERLAP_SEED = 2301;

    public static final String MIDDLE = "layer3";
    public static final List<String> VARIANTS = List.of("mbstd", "base", "pixnorm");
    /** Claim 1's bundles. */
    public static final List<String> CLAIM1 = List.of("outdoor-mbstd-s100", "indoor-mbstd-s100");
    /** Claim 5's groups: (dataset, training seed), each over the three variants. */
    public static final List<String> GROUPS = List.of("outdoor-s100", "outdoor-s101", "indoor-s100");

    public static final double ALPHA = 0.05;
    public static final int N_UNITS = 20;
    public static final List<String> ABLATION_CLASSES = List.of("tree", "window", "door");
    public static final double TOP_REMOVES = 0.5;
    public static final double RANDOM_REMOVES = 0.25;
    public static final List<String> BUILDING = List.of("building", "wall", "roof", "window", "door");
    public static final String SKY = "sky";
    public static final double INSERT_LOW = 0.01;
    public static final double SKY_FACTOR = 3;
    public static final int BOOT_REPLICATES = 2000;
    public static final int OVERLAP_DRAWS = 9999;
    public static final int FIRST_LAYER_FACTOR = 3;

    private Registration() {
    }

    /** Bundle directory name of a variant: {@code <dataset>-<variant>-s<seed>}. */
    public static String bundle(String dataset, String variant, String trainingSeed) {
        return dataset + "-" + variant + "-s" + trainingSeed;
    }

    /** Every zoo v3 bundle the claims use, in the pre-registered order. */
    public static List<String> bundles() {
        List<String> out = new ArrayList<>();
        for (String g : GROUPS) {
            String[] p = g.split("-s");
            for (String v : VARIANTS) {
                out.add(bundle(p[0], v, p[1]));
            }
        }
        return out;
    }

    /** Width of the activation-matched sampler's neighbourhood for a layer of {@code units}. */
    public static int matchWidth(int units) {
        return Math.max(3, units / 16);
    }

    /** The header: seeds, budgets with the smallest reachable p-values, and the five rules. */
    public static List<String> describe(int samples, int draws, int ablationImages, int insertImages, int fdSamples, int fdDraws,
            int artifactImages) {
        List<String> l = new ArrayList<>();
        double pMin = 1.0 / (1 + draws);
        double holm = ALPHA / ABLATION_CLASSES.size();
        l.add("reproduce v3: pre-registered rules (fixed in code before this run; nothing below depends on its numbers)");
        l.add(String.format(Locale.ROOT, "  bundles (zoo v3, schema 2): %s", bundles()));
        l.add(String.format(Locale.ROOT, "  evaluation seeds %d and %d (dissection thresholds from e + 1; activation sizes e + %d, insertion"
                + " constants e + %d, measured images e + %d; random sets e + %d + d (uniform), e + %d (matched), cluster bootstrap e + %d);"
                + " artifact scoring seeds %d and %d, overlap draws seed %d", EVAL_SEEDS[0], EVAL_SEEDS[1], ACT_OFFSET, K_OFFSET,
                MEASURE_OFFSET, UNIFORM_OFFSET, MATCHED_OFFSET, BOOT_OFFSET, SCORE_SEEDS[0], SCORE_SEEDS[1], OVERLAP_SEED));
        l.add(String.format(Locale.ROOT, "  budget: %d dissection images; %d uniform + %d activation-matched random sets per test (smallest"
                + " p %.4f; Holm's first cut-off over %d classes %.4f%s); %d images with the class per ablation; %d images per insertion;"
                + " FD (EfficientNet-Lite0) on %d images, %d + %d random sets (smallest p %.4f); %d artifact scoring images",
                samples, draws, draws, pMin, ABLATION_CLASSES.size(), holm, pMin > holm ? ": TOO FEW DRAWS, claim 2 cannot pass" : "",
                ablationImages, insertImages, fdSamples, fdDraws, fdDraws, 1.0 / (1 + fdDraws),
                artifactImages));
        l.add(String.format(Locale.ROOT, "  unit activation sizes and insertion constants from %d images each", Math.min(samples, 200)));
        l.add("  a claim holds only where it holds on every evaluation seed (and, for claim 5, every training seed); a claim whose"
                + " bundles are missing does not hold");
        l.add(String.format(Locale.ROOT, "  rule 1: on %s, per evaluation seed: the sum of the %s controlled counts' 95%% lower bounds >= %d x"
                + " max(1, sum of the first layer's upper bounds), and controlled %s units in >= 2 categories", CLAIM1, MIDDLE,
                FIRST_LAYER_FACTOR, MIDDLE));
        l.add(String.format(Locale.ROOT, "  rule 2: bundle = the outdoor s100 variant with the most controlled %s units on seed %d."
                + " For each of %s, per evaluation seed: the top %d units by IoU (that seed's dissection) zeroed remove >= %.2f of the class's"
                + " pixels, uniform random sets of %d units remove <= %.2f on average, and p = max(p uniform, p matched) with p = (1 + #{random"
                + " removes >= top}) / (1 + draws), Holm-adjusted over the %d classes, <= %.2f. Holds when >= 2 classes pass on both seeds",
                MIDDLE, EVAL_SEEDS[0], ABLATION_CLASSES, N_UNITS, TOP_REMOVES, N_UNITS, RANDOM_REMOVES, ABLATION_CLASSES.size(), ALPHA));
        l.add(String.format(Locale.ROOT, "  rule 3: rule 2's bundle; door top %d units by door IoU set to their mean activation inside door"
                + " pixels, in every feature-grid tile (side = layer height / 4) whose majority class is a building part %s or %s; effect ="
                + " change of the door probability in the tile. Per evaluation seed: building-part effect's 95%% interval by image (cluster"
                + " bootstrap, %d replicates) has lower bound > %.2f and > %.0f x max(0, the sky's upper bound), and p = (1 + #{random set's"
                + " building-part effect >= the door units'}) / (1 + draws) <= %.2f, the random sets of %d units inserted the same way"
                + " (each unit at its own mean inside door pixels) in the same tiles", N_UNITS, BUILDING, SKY, BOOT_REPLICATES, INSERT_LOW,
                SKY_FACTOR, ALPHA, N_UNITS));
        l.add(String.format(Locale.ROOT, "  rule 4: rule 2's bundle; units scored by ablating each alone (domain FD on segmenter features,"
                + " the ranking only) on each scoring seed; (a) the worst-%d sets of the two scoring seeds overlap: Jaccard p <= %.2f against"
                + " uniform random sets (exact) and against activation-matched sets (%d draws); (b) per evaluation seed, the first scoring"
                + " seed's worst %d ablated lower FD (EfficientNet-Lite0) below the unablated FD, with p = (1 + #{random FD <= worst FD}) /"
                + " (1 + draws) <= %.2f against uniform and against activation-matched sets", N_UNITS, ALPHA, OVERLAP_DRAWS, N_UNITS, ALPHA));
        l.add(String.format(Locale.ROOT, "  rule 5: per group %s of the variants %s: the variant with the lowest FD (EfficientNet-Lite0) is the"
                + " same on both evaluation seeds, and on each seed its controlled %s count's 95%% lower bound is above every other variant's"
                + " controlled count", GROUPS, VARIANTS, MIDDLE));
        return l;
    }
}
