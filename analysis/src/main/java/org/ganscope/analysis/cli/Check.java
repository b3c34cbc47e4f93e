package org.ganscope.analysis.cli;

import java.util.Arrays;
import java.util.Locale;
import org.ganscope.analysis.dissect.DissectParams;

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

    /** --method iqr|quantile (any case). */
    static DissectParams.Method method(String method) {
        return switch (method.toLowerCase(Locale.ROOT)) {
            case "iqr" -> DissectParams.Method.IQR;
            case "quantile" -> DissectParams.Method.QUANTILE;
            default -> throw new UsageException("--method must be iqr or quantile, got '" + method + "'");
        };
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
