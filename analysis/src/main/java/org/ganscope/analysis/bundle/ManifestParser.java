package org.ganscope.analysis.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns manifest.json text into a {@link Manifest}, naming the exact field on any problem.
 * Walks Jackson's tree on purpose rather than binding into records: binding still needs
 * every rule below (required, ranges, names, cross references) plus strict coercion
 * settings and a mapping from Jackson's mismatch paths back to these messages, which made
 * the parser longer (tried for issue 17: 284 lines against 231, same messages).
 */
public final class ManifestParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHARED_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Set<String> CATEGORIES = Set.of("object", "part", "material", "none");
    private static final Set<String> CATEGORIES_V2 = Set.of("object", "part", "material", "color", "none");
    private static final int MAX_DIM = 1 << 16;

    private ManifestParser() {
    }

    public static Manifest parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BundleException("manifest.json is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr());
        }
        if (root == null || !root.isObject()) {
            throw new BundleException("manifest.json must hold a JSON object");
        }
        JsonNode sv = root.get("schema_version");
        if (sv == null || !sv.isInt()) {
            throw new BundleException("manifest.json: missing integer field 'schema_version'");
        }
        int schema = sv.asInt();
        if (schema < 1 || schema > Manifest.SCHEMA_VERSION) {
            throw new BundleException("manifest.json: unknown schema_version " + sv.asInt()
                    + " (this ganscope reads versions 1 to " + Manifest.SCHEMA_VERSION + ")");
        }
        String name = str(root, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new BundleException("manifest.json: 'name' must be 1-100 letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        int zdim = posInt(root, "zdim");
        int imageSize = posInt(root, "image_size");

        List<Manifest.Layer> layers = new ArrayList<>();
        JsonNode ls = arr(root, "layers");
        Set<String> layerNames = new HashSet<>();
        for (int i = 0; i < ls.size(); i++) {
            JsonNode l = ls.get(i);
            String at = "layers[" + i + "]";
            Manifest.Layer layer = new Manifest.Layer(str(l, "name", at), posInt(l, "units", at), posInt(l, "height", at),
                    posInt(l, "width", at), str(l, "h", at), str(l, "f", at), optStr(l, "torchscript"), fTakesLatent(l, at));
            if (!layerNames.add(layer.name())) {
                throw new BundleException("manifest.json: duplicate layer name '" + layer.name() + "'");
            }
            layers.add(layer);
        }
        if (layers.isEmpty()) {
            throw new BundleException("manifest.json: 'layers' is empty");
        }

        List<Manifest.ConceptClass> classes = classList(arr(root, "classes"), "classes", schema);
        if (classes.size() < 2) {
            throw new BundleException("manifest.json: 'classes' needs class 0 (unlabeled) and at least one concept");
        }

        JsonNode s = obj(root, "segmenter");
        Manifest.Segmenter seg = new Manifest.Segmenter(str(s, "file", "segmenter"), posInt(s, "resolution", "segmenter"),
                num(s, "pixel_accuracy", "segmenter"), num(s, "mean_iou", "segmenter"));
        JsonNode f = obj(root, "features");
        Manifest.Features feat = new Manifest.Features(str(f, "file", "features"), posInt(f, "dim", "features"),
                str(f, "real_mean", "features"), str(f, "real_cov", "features"), str(f, "real_sample", "features"));
        JsonNode r = obj(root, "real");
        Manifest.RealSample real = new Manifest.RealSample(str(r, "images", "real"), str(r, "labels", "real"),
                posInt(r, "count", "real"), posInt(r, "columns", "real"));

        Map<String, Manifest.FileEntry> files = new LinkedHashMap<>();
        JsonNode fs = obj(root, "files");
        var it = fs.fields();
        while (it.hasNext()) {
            var e = it.next();
            String at = "files['" + e.getKey() + "']";
            String sha = str(e.getValue(), "sha256", at);
            if (!SHA256.matcher(sha).matches()) {
                throw new BundleException("manifest.json: " + at + ".sha256 is not 64 lower-case hex digits");
            }
            JsonNode b = e.getValue().get("bytes");
            if (b == null || !b.canConvertToLong() || b.asLong() < 0) {
                throw new BundleException("manifest.json: " + at + ".bytes must be a non-negative integer");
            }
            files.put(e.getKey(), new Manifest.FileEntry(sha, b.asLong()));
        }
        List<Manifest.ConceptGroup> groups = schema == 1
                ? List.of(new Manifest.ConceptGroup("main", List.copyOf(classes), Manifest.MAIN_OUTPUT, null, real.labels(), Map.of()))
                : conceptGroups(root, classes, real);
        Manifest m = new Manifest(schema, name, str(root, "dataset"), str(root, "variant"), zdim, imageSize,
                List.copyOf(layers), List.copyOf(classes), seg, feat, real, Map.copyOf(files), root, groups, referenceFeatures(root));
        for (String referenced : referencedFiles(m)) {
            if (!files.containsKey(referenced)) {
                throw new BundleException("manifest.json: file '" + referenced + "' is used but not listed under 'files' with its hash");
            }
        }
        return m;
    }

    /**
     * The optional {@code reference_features} entry (models/features/README.md), null when absent:
     * either in-bundle paths ({@code real_mean}, {@code real_cov}, {@code held_out_sample}) or
     * {@code statistics: {shared: KEY, sha256: {real_mean, real_cov, held_out_sample}}}.
     */
    private static Manifest.ReferenceFeatures referenceFeatures(JsonNode root) {
        if (!root.has("reference_features")) {
            return null;
        }
        JsonNode r = obj(root, "reference_features");
        String at = "reference_features";
        String sha = str(r, "onnx_sha256", at);
        if (!SHA256.matcher(sha).matches()) {
            throw new BundleException("manifest.json: " + at + ".onnx_sha256 is not 64 lower-case hex digits");
        }
        String network = str(r, "network", at);
        int dim = posInt(r, "dim", at);
        int realCount = posInt(r, "real_count", at);
        int heldOutCount = posInt(r, "held_out_count", at);
        if (!r.has("statistics")) {
            return new Manifest.ReferenceFeatures(network, sha, dim, str(r, "real_mean", at), str(r, "real_cov", at), realCount,
                    str(r, "held_out_sample", at), heldOutCount);
        }
        for (String k : Manifest.ReferenceFeatures.SHARED_FILES.keySet()) {
            if (r.has(k)) {
                throw new BundleException("manifest.json: " + at + " has both 'statistics' (shared) and '" + k
                        + "' (a bundle file); it must be one form or the other");
            }
        }
        JsonNode st = obj(r, "statistics");
        String key = sharedKey(str(st, "shared", at + ".statistics"));
        JsonNode hashes = st.get("sha256");
        if (hashes == null || !hashes.isObject()) {
            throw new BundleException("manifest.json: missing object field '" + at + ".statistics.sha256'");
        }
        Map<String, String> sums = new java.util.TreeMap<>();
        for (String k : Manifest.ReferenceFeatures.SHARED_FILES.keySet()) {
            String h = str(hashes, k, at + ".statistics.sha256");
            if (!SHA256.matcher(h).matches()) {
                throw new BundleException("manifest.json: " + at + ".statistics.sha256." + k + " is not 64 lower-case hex digits");
            }
            sums.put(k, h);
        }
        Map<String, String> f = Manifest.ReferenceFeatures.SHARED_FILES;
        return new Manifest.ReferenceFeatures(network, sha, dim, f.get("real_mean"), f.get("real_cov"), realCount,
                f.get("held_out_sample"), heldOutCount, key, Map.copyOf(sums));
    }

    /** A shared-statistics key: one directory name under models/features/real, so no path separators, no '..'. */
    static String sharedKey(String key) {
        if (!SHARED_KEY.matcher(key).matches() || key.contains("..")) {
            throw new BundleException("manifest.json: reference_features.statistics.shared is '" + key
                    + "', not a valid key (letters, digits, '.', '_', '-', at most 128, no '..', no path separators)");
        }
        return key;
    }

    /** Every file the manifest refers to. */
    public static List<String> referencedFiles(Manifest m) {
        List<String> out = new ArrayList<>();
        for (Manifest.Layer l : m.layers()) {
            out.add(l.hFile());
            out.add(l.fFile());
            if (l.torchscript() != null) {
                out.add(l.torchscript());
            }
        }
        out.add(m.segmenter().file());
        out.add(m.features().file());
        out.add(m.features().realMean());
        out.add(m.features().realCov());
        out.add(m.features().realSample());
        m.reference().filter(r -> !r.isShared()).ifPresent(r -> {
            out.add(r.realMean());
            out.add(r.realCov());
            out.add(r.heldOutSample());
        });
        out.add(m.real().images());
        out.add(m.real().labels());
        for (Manifest.ConceptGroup g : m.groups()) {
            if (!out.contains(g.realLabelSheet())) {
                out.add(g.realLabelSheet());
            }
        }
        return out;
    }

    /** A class table: index i at position i, a known category, unique names. Schema 1 has no colour category. */
    private static List<Manifest.ConceptClass> classList(JsonNode cs, String where, int schema) {
        Set<String> categories = schema == 1 ? CATEGORIES : CATEGORIES_V2;
        List<Manifest.ConceptClass> classes = new ArrayList<>();
        Set<String> classNames = new HashSet<>();
        for (int i = 0; i < cs.size(); i++) {
            JsonNode c = cs.get(i);
            String at = where + "[" + i + "]";
            int index = nonNegInt(c, "index", at);
            if (index != i) {
                throw new BundleException("manifest.json: " + at + ".index is " + index + ", expected " + i);
            }
            String cat = str(c, "category", at);
            if (!categories.contains(cat)) {
                throw new BundleException("manifest.json: " + at + ".category '" + cat + "' is not one of " + categories);
            }
            String cname = str(c, "name", at);
            if (!classNames.add(cname)) {
                throw new BundleException("manifest.json: duplicate class name '" + cname + "'"
                        + (where.equals("classes") ? "" : " in '" + where + "'"));
            }
            classes.add(new Manifest.ConceptClass(index, cname, cat, str(c, "color", at)));
        }
        return List.copyOf(classes);
    }

    /**
     * Schema 2's {@code concept_groups}: unique names, the first is {@code main} with exactly
     * the top-level classes and the segmenter's main output; every group has a segmenter
     * output (distinct, named in {@code segmenter.outputs}) or a rule this ganscope knows.
     */
    private static List<Manifest.ConceptGroup> conceptGroups(JsonNode root, List<Manifest.ConceptClass> classes,
                                                            Manifest.RealSample real) {
        JsonNode gs = arr(root, "concept_groups");
        if (gs.isEmpty()) {
            throw new BundleException("manifest.json: 'concept_groups' is empty");
        }
        JsonNode outputs = obj(root, "segmenter").get("outputs");
        List<Manifest.ConceptGroup> groups = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> usedOutputs = new HashSet<>();
        for (int i = 0; i < gs.size(); i++) {
            JsonNode g = gs.get(i);
            String at = "concept_groups[" + i + "]";
            String gname = str(g, "name", at);
            if (!gname.matches("[a-z][a-z0-9_]{0,31}")) {
                throw new BundleException("manifest.json: '" + at + ".name' must be 1-32 lower-case letters, digits or '_', got '"
                        + gname + "'");
            }
            if (!names.add(gname)) {
                throw new BundleException("manifest.json: duplicate concept group '" + gname + "'");
            }
            List<Manifest.ConceptClass> cls = classList(arr(g, "classes", at), at + ".classes", 2);
            if (cls.size() < 2) {
                throw new BundleException("manifest.json: '" + at + ".classes' needs class 0 (nothing) and at least one concept");
            }
            JsonNode method = g.get("method");
            if (method == null || !method.isObject()) {
                throw new BundleException("manifest.json: missing object field '" + at + ".method'");
            }
            String kind = str(method, "kind", at + ".method");
            String output = null;
            String rule = null;
            if (kind.equals("segmenter")) {
                output = str(method, "output", at + ".method");
                if (!usedOutputs.add(output)) {
                    throw new BundleException("manifest.json: '" + at + ".method.output' '" + output + "' is used by two groups");
                }
                JsonNode listed = outputs == null ? null : outputs.get(gname);
                if (listed == null || !listed.isTextual() || !listed.asText().equals(output)) {
                    throw new BundleException("manifest.json: 'segmenter.outputs." + gname + "' must be '" + output + "' (the output of "
                            + at + ")");
                }
            } else if (kind.equals("rule")) {
                rule = str(method, "rule", at + ".method");
                if (!rule.equals(Manifest.COLOR_RULE)) {
                    throw new BundleException("manifest.json: '" + at + ".method.rule' '" + rule + "' is not a rule this ganscope computes ("
                            + Manifest.COLOR_RULE + ")");
                }
            } else {
                throw new BundleException("manifest.json: '" + at + ".method.kind' must be 'segmenter' or 'rule', got '" + kind + "'");
            }
            if (i == 0) {
                if (!gname.equals("main")) {
                    throw new BundleException("manifest.json: 'concept_groups[0]' must be the group 'main', got '" + gname + "'");
                }
                if (!cls.equals(classes)) {
                    throw new BundleException("manifest.json: 'concept_groups[0].classes' must equal 'classes'");
                }
                if (!Manifest.MAIN_OUTPUT.equals(output)) {
                    throw new BundleException("manifest.json: 'concept_groups[0].method' must be the segmenter output '"
                            + Manifest.MAIN_OUTPUT + "'");
                }
            }
            String sheet = g.has("real_label_sheet") ? str(g, "real_label_sheet", at) : (i == 0 ? real.labels() : null);
            if (sheet == null) {
                throw new BundleException("manifest.json: missing text field '" + at + ".real_label_sheet'");
            }
            Map<String, Double> shares = new LinkedHashMap<>();
            JsonNode rs = g.get("real_pixel_share");
            if (rs != null && !rs.isNull()) {
                if (!rs.isObject()) {
                    throw new BundleException("manifest.json: '" + at + ".real_pixel_share' must be an object of class -> share");
                }
                Set<String> known = new HashSet<>();
                cls.forEach(c -> known.add(c.name()));
                var fields = rs.fields();
                while (fields.hasNext()) {
                    var e = fields.next();
                    if (!known.contains(e.getKey())) {
                        throw new BundleException("manifest.json: '" + at + ".real_pixel_share' names unknown class '" + e.getKey() + "'");
                    }
                    if (!e.getValue().isNumber() || e.getValue().asDouble() < 0 || e.getValue().asDouble() > 1) {
                        throw new BundleException("manifest.json: '" + at + ".real_pixel_share." + e.getKey() + "' must be a number in [0, 1]");
                    }
                    shares.put(e.getKey(), e.getValue().asDouble());
                }
            }
            groups.add(new Manifest.ConceptGroup(gname, cls, output, rule, sheet, Map.copyOf(shares)));
        }
        return List.copyOf(groups);
    }

    /** Optional {@code f_inputs}: ["r"] (the default) or ["r", "z"]. */
    private static boolean fTakesLatent(JsonNode l, String at) {
        JsonNode v = l.get("f_inputs");
        if (v == null || v.isNull()) {
            return false;
        }
        String text = v.toString();
        if (text.equals("[\"r\"]")) {
            return false;
        }
        if (text.equals("[\"r\",\"z\"]")) {
            return true;
        }
        throw new BundleException("manifest.json: '" + at + ".f_inputs' must be [\"r\"] or [\"r\", \"z\"], got " + text);
    }

    private static String where(String at, String key) {
        return at == null ? "'" + key + "'" : "'" + at + "." + key + "'";
    }

    private static JsonNode obj(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isObject()) {
            throw new BundleException("manifest.json: missing object field '" + key + "'");
        }
        return v;
    }

    private static JsonNode arr(JsonNode n, String key) {
        return arr(n, key, null);
    }

    private static JsonNode arr(JsonNode n, String key, String at) {
        JsonNode v = n.get(key);
        if (v == null || !v.isArray()) {
            throw new BundleException("manifest.json: missing array field " + where(at, key));
        }
        return v;
    }

    private static String str(JsonNode n, String key) {
        return str(n, key, null);
    }

    private static String str(JsonNode n, String key, String at) {
        JsonNode v = n == null ? null : n.get(key);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new BundleException("manifest.json: missing text field " + where(at, key));
        }
        return v.asText();
    }

    private static String optStr(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static int posInt(JsonNode n, String key) {
        return posInt(n, key, null);
    }

    private static int posInt(JsonNode n, String key, String at) {
        int v = nonNegInt(n, key, at);
        if (v <= 0) {
            throw new BundleException("manifest.json: " + where(at, key) + " must be positive, got " + v);
        }
        return v;
    }

    private static int nonNegInt(JsonNode n, String key, String at) {
        JsonNode v = n == null ? null : n.get(key);
        if (v == null || !v.isIntegralNumber()) {
            throw new BundleException("manifest.json: missing integer field " + where(at, key));
        }
        long x = v.asLong();
        if (x < 0 || x > MAX_DIM) {
            throw new BundleException("manifest.json: " + where(at, key) + " must be in [0, " + MAX_DIM + "], got " + x);
        }
        return (int) x;
    }

    private static double num(JsonNode n, String key, String at) {
        JsonNode v = n.get(key);
        if (v == null || !v.isNumber()) {
            throw new BundleException("manifest.json: missing number field " + where(at, key));
        }
        return v.asDouble();
    }
}
