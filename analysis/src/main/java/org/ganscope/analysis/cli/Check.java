package org.ganscope.analysis.cli;

import java.util.Arrays;

/** Range checks of option values, with the option named in the error (picocli converts the types). */
final class Check {
    private Check() {
    }

    static int between(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new UsageException(option + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static double between(String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new UsageException(option + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** A comma-separated list of unit counts or indices, e.g. "5,10,20". */
    static int[] ints(String option, String list) {
        try {
            return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new UsageException(option + " takes comma-separated integers, got '" + list + "'");
        }
    }
}
