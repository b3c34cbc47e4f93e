package org.ganscope.analysis.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Minimal "--key value" / "--flag" parser; unknown options are an error. */
public final class Args {
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {
    }

    /**
     * @param known option names (without "--") that take a value
     * @param flags option names that take no value
     */
    public static Args parse(String[] args, int from, List<String> known, List<String> flags) {
        Args a = new Args();
        for (int i = from; i < args.length; i++) {
            String s = args[i];
            if (s.startsWith("--")) {
                String key = s.substring(2);
                String value = null;
                int eq = key.indexOf('=');
                if (eq >= 0) {
                    value = key.substring(eq + 1);
                    key = key.substring(0, eq);
                }
                if (flags.contains(key)) {
                    a.options.put(key, "true");
                } else if (known.contains(key)) {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("option --" + key + " needs a value");
                        }
                        value = args[++i];
                    }
                    a.options.put(key, value);
                } else {
                    throw new UsageException("unknown option --" + key);
                }
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    public String get(String key, String def) {
        return options.getOrDefault(key, def);
    }

    public String require(String key) {
        String v = options.get(key);
        if (v == null) {
            throw new UsageException("missing required option --" + key);
        }
        return v;
    }

    public boolean flag(String key) {
        return options.containsKey(key);
    }

    public int intValue(String key, int def, int min, int max) {
        String v = options.get(key);
        if (v == null) {
            return def;
        }
        try {
            int x = Integer.parseInt(v.trim());
            if (x < min || x > max) {
                throw new UsageException("--" + key + " must be between " + min + " and " + max + ", got " + x);
            }
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " must be an integer, got '" + v + "'");
        }
    }

    public long longValue(String key, long def) {
        String v = options.get(key);
        if (v == null) {
            return def;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " must be an integer in [" + Long.MIN_VALUE + ", " + Long.MAX_VALUE + "], got '" + v + "'");
        }
    }

    public double doubleValue(String key, double def, double min, double max) {
        String v = options.get(key);
        if (v == null) {
            return def;
        }
        try {
            double x = Double.parseDouble(v.trim());
            if (!(x >= min && x <= max)) {
                throw new UsageException("--" + key + " must be between " + min + " and " + max + ", got " + v);
            }
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " must be a number, got '" + v + "'");
        }
    }

    public List<String> positional() {
        return positional;
    }
}
