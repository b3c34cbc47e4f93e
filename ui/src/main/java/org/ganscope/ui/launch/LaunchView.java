package org.ganscope.ui.launch;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.ganscope.services.bundle.BundleService;
import org.ganscope.services.bundle.BundleSummary;
import org.ganscope.services.experiment.ExperimentService;
import org.ganscope.services.experiment.LaunchRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.AccessDeniedException;
import com.vaadin.flow.server.auth.AccessDeniedErrorRouter;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.workflows.experiment.ExperimentSpec;
import org.springframework.security.core.context.SecurityContextHolder;
import org.ganscope.ui.experiment.ExperimentView;
import org.ganscope.ui.layout.MainLayout;

/** Launch an experiment: bundle, layers, counts, seed, steps, classes of interest; validated by the service, which gives the reason on refusal. */
@jakarta.annotation.security.RolesAllowed("OPERATOR")
// a signed-in user without the role sees the forbidden page inside the layout (not a bare "could not navigate")
@AccessDeniedErrorRouter(rerouteToError = AccessDeniedException.class)
@Route(value = "launch", layout = MainLayout.class)
@PageTitle("Launch | ganscope")
public class LaunchView extends VerticalLayout implements BeforeEnterObserver {
    private final ExperimentService experiments;
    private final TextField name = new TextField("name");
    private final ComboBox<BundleSummary> bundle;
    private final CheckboxGroup<String> layers = new CheckboxGroup<>("layers");
    private final CheckboxGroup<String> classes = new CheckboxGroup<>("classes of interest (for intervene)");
    private final IntegerField samples = new IntegerField("samples");
    private final IntegerField seed = new IntegerField("seed");
    private final IntegerField shards = new IntegerField("shards");
    private final CheckboxGroup<String> steps = new CheckboxGroup<>("steps", "dissect", "metrics", "explain", "intervene", "optimize", "artifacts");
    private final TextField tags = new TextField("tags (comma separated)");
    /** The cloned run's parameters the form has no field for (threshold pass, method, quantile, top k); null: not a clone. */
    private ExperimentSpec cloned;
    private final Paragraph cloneNote = new Paragraph();

    public LaunchView(BundleService bundles, ExperimentService experiments) {
        this.experiments = experiments;
        name.setId("name");
        bundle = new ComboBox<>("bundle", bundles.all());
        bundle.setId("bundle");
        bundle.setItemLabelGenerator(b -> b.name() + " (" + b.dataset() + ", " + b.variant() + ")");
        layers.setId("layers");
        classes.setId("classes");
        bundle.addValueChangeListener(e -> {
            classes.setItems(classesOf(e.getValue()));
            layers.setItems(layersOf(e.getValue()));
            List<String> l = layersOf(e.getValue());
            if (!l.isEmpty()) {
                layers.setValue(Set.of(l.get(l.size() / 2)));
            }
        });
        samples.setValue(1000);
        samples.setId("samples");
        samples.setMin(1);
        samples.setMax(1_000_000);
        samples.setHelperText("1 to 1,000,000 generated images to dissect");
        seed.setValue(0);
        shards.setValue(4);
        steps.setId("steps");
        steps.setValue(Set.of("dissect", "metrics"));
        shards.setMin(1);
        shards.setMax(64);
        ComboBox<Preset> preset = new ComboBox<>("preset", PRESETS);
        preset.setId("preset");
        preset.setItemLabelGenerator(Preset::name);
        preset.addValueChangeListener(e -> {
            if (e.getValue() != null) {
                samples.setValue(e.getValue().samples());
                steps.setValue(Set.copyOf(e.getValue().steps()));
            }
        });
        shards.setId("shards");
        seed.setId("seed");
        tags.setId("launch-tags");
        // the form validates on Launch, field by field, with its own reasons (not the components' built-in checks)
        samples.setManualValidation(true);
        seed.setManualValidation(true);
        shards.setManualValidation(true);
        layers.setManualValidation(true);
        steps.setManualValidation(true);
        classes.setManualValidation(true);
        bundle.setManualValidation(true);
        name.setManualValidation(true);
        name.addValueChangeListener(e -> name.setInvalid(false));
        List<HasValidation> checked = List.of(name, bundle, layers, samples, seed, shards, steps, classes, tags);
        // a field marked invalid is cleared as soon as it is changed
        bundle.addValueChangeListener(e -> bundle.setInvalid(false));
        layers.addValueChangeListener(e -> layers.setInvalid(false));
        samples.addValueChangeListener(e -> samples.setInvalid(false));
        seed.addValueChangeListener(e -> seed.setInvalid(false));
        shards.addValueChangeListener(e -> shards.setInvalid(false));
        steps.addValueChangeListener(e -> steps.setInvalid(false));
        classes.addValueChangeListener(e -> classes.setInvalid(false));
        Button launch = new Button("Launch", e -> {
            checked.forEach(f -> f.setInvalid(false));
            // checked here, field by field, so nothing is silently replaced by a default: the REST API's defaults
            // (no layers = the middle layer, no samples = 1000) are for a request that leaves a field out, not for a form
            boolean ok = true;
            if (name.getValue().isBlank()) { // it used to become "experiment" without a word
                ok = mark(name, "name the experiment (a few words to find it by in the list)");
            }
            if (bundle.getValue() == null) {
                ok = mark(bundle, "choose a bundle");
            }
            if (bundle.getValue() != null && layers.getValue().isEmpty()) {
                ok = mark(layers, "tick at least one layer to dissect");
            }
            Integer n = samples.getValue();
            if (n == null || n < 1 || n > 1_000_000) {
                ok = mark(samples, "samples must be a whole number from 1 to 1,000,000");
            } else if (n < 2 && (steps.getValue().contains("metrics") || steps.getValue().contains("artifacts"))) {
                ok = mark(samples, "the metrics and artifacts steps need at least 2 samples (a covariance needs two)");
            }
            if (seed.getValue() == null || seed.getValue() < 0) {
                ok = mark(seed, "seed must be a whole number from 0 to 2,147,483,647");
            }
            Integer sh = shards.getValue();
            int maxShards = n == null || n < 1 ? 64 : Math.min(64, n);
            if (sh == null || sh < 1 || sh > maxShards) {
                ok = mark(shards, "shards must be a whole number from 1 to " + maxShards + " (at most 64, and at most the samples)");
            }
            if (steps.getValue().isEmpty()) {
                ok = mark(steps, "tick at least one step");
            }
            for (String st : List.of("intervene", "optimize")) {
                if (steps.getValue().contains(st) && !steps.getValue().contains("dissect")) {
                    ok = mark(steps, "the " + st + " step needs the dissect step");
                }
                if (steps.getValue().contains(st) && classes.getValue().isEmpty()) {
                    ok = mark(classes, "the " + st + " step needs at least one class of interest");
                }
            }
            if (classes.getValue().size() > 10) {
                ok = mark(classes, "at most 10 classes of interest");
            }
            if (!ok) {
                return;
            }
            try {
                List<String> tagList = tags.getValue().isBlank() ? List.of()
                        : Arrays.stream(tags.getValue().split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
                List<String> chosenLayers = layersOf(bundle.getValue()).stream().filter(layers.getValue()::contains).toList();
                List<String> chosenSteps = ExperimentSpec.STEPS.stream().filter(steps.getValue()::contains).toList();
                List<String> chosenClasses = classesOf(bundle.getValue()).stream().filter(classes.getValue()::contains).toList();
                LaunchRequest.Builder request = LaunchRequest.of(bundle.getValue().name()).name(name.getValue().trim())
                        .layers(chosenLayers).samples(n).seed(seed.getValue().longValue()).shards(sh).tags(tagList).steps(chosenSteps)
                        .classes(chosenClasses);
                if (cloned != null) { // what the form has no field for, as the cloned run had it
                    request.thresholdSamples(cloned.thresholdSamples()).method(cloned.method()).quantile(cloned.quantile()).topK(cloned.topK());
                }
                long id = experiments.launch(request.build(), signedIn());
                getUI().ifPresent(ui -> ui.navigate(ExperimentView.class, new RouteParameters("id", String.valueOf(id))));
            } catch (IllegalArgumentException | AnalysisException ex) {
                // the service's reason, on the field it names where it names one
                String m = ex.getMessage() == null ? ex.toString() : ex.getMessage();
                HasValidation field = m.startsWith("samples") ? samples : m.startsWith("shards") ? shards
                        : m.startsWith("seed") ? seed : m.contains("TorchScript") || m.contains("layer") ? layers
                        : m.contains("class") ? classes : m.contains("step") ? steps : m.contains("tag") ? tags
                        : m.contains("bundle") ? bundle : null;
                if (field != null) {
                    mark(field, m);
                } else {
                    Notification note = Notification.show(m, 8000, Notification.Position.MIDDLE);
                    note.addThemeVariants(NotificationVariant.LUMO_ERROR);
                }
            }
        });
        launch.setId("launch");
        cloneNote.setId("clone-note");
        cloneNote.setVisible(false);
        cloneNote.getStyle().set("color", "var(--lumo-secondary-text-color)");
        add(cloneNote, new FormLayout(preset, name, bundle, layers, samples, seed, shards, steps, classes, tags), launch);
    }

    /**
     * {@code /launch?clone=ID} (the experiments grid's Clone): the form filled with that experiment's parameters, named
     * "NAME (copy)", to change what should differ and launch; the parameters the form has no field for go with it, and
     * the line above the form says which.
     */
    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        String id = event.getLocation().getQueryParameters().getSingleParameter("clone").orElse(null);
        if (id == null || !id.matches("\\d{1,18}")) {
            return;
        }
        var source = experiments.find(Long.parseLong(id)).orElse(null);
        if (source == null) {
            cloneNote.setText("There is no experiment " + id + " to clone: the form starts empty.");
            cloneNote.setVisible(true);
            return;
        }
        ExperimentSpec spec;
        try {
            spec = new ObjectMapper().readValue(source.paramsJson(), ExperimentSpec.class);
        } catch (java.io.IOException ex) {
            cloneNote.setText("The parameters of #" + id + " could not be read: the form starts empty.");
            cloneNote.setVisible(true);
            return;
        }
        // the same bundle file if it is still registered, else the bundle of that name
        BundleSummary b = bundle.getListDataView().getItems().filter(x -> x.hash().equals(spec.bundleHash())).findFirst()
                .or(() -> bundle.getListDataView().getItems().filter(x -> x.name().equals(source.bundleName())).findFirst()).orElse(null);
        name.setValue(source.name() + " (copy)");
        if (b != null) {
            bundle.setValue(b); // sets the bundle's layers and classes as choices (and the middle layer, replaced below)
            layers.setValue(Set.copyOf(spec.layers().stream().filter(layersOf(b)::contains).toList()));
            classes.setValue(Set.copyOf(spec.classesOfInterest().stream().filter(classesOf(b)::contains).toList()));
        }
        samples.setValue(spec.samples());
        seed.setValue((int) Math.min(Integer.MAX_VALUE, spec.seed()));
        shards.setValue(spec.shards());
        steps.setValue(Set.copyOf(spec.steps() == null ? List.of("dissect") : spec.steps()));
        tags.setValue(String.join(", ", source.tags()));
        cloned = spec;
        cloneNote.setText(String.format(java.util.Locale.ROOT, "A copy of #%d %s%s. Also as it had them: threshold pass on %d samples,"
                + " method %s, quantile %s, top %d images per unit.", source.id(), source.name(),
                b == null ? " (its bundle is no longer registered: choose one)" : "", spec.thresholdSamples(), spec.method(),
                String.valueOf(spec.quantile()), spec.topK()));
        cloneNote.setVisible(true);
    }

    /** Marks {@code field} invalid with the reason shown under it; returns false (the form is not launched). */
    private static boolean mark(HasValidation field, String reason) {
        field.setErrorMessage(reason);
        field.setInvalid(true);
        return false;
    }

    /** A starting point for the form: sample count and steps (classes of interest stay the researcher's choice). */
    record Preset(String name, int samples, List<String> steps) {
    }

    static final List<Preset> PRESETS = List.of(
            new Preset("quick look: 500 samples, dissect + metrics", 500, List.of("dissect", "metrics")),
            new Preset("dissection as in the paper: 10,000 samples", 10_000, List.of("dissect", "metrics")),
            new Preset("causal study: dissect, intervene, optimize alpha (pick classes)", 2000, List.of("dissect", "intervene", "optimize")),
            new Preset("artifact hunt: dissect, artifacts, metrics", 2000, List.of("dissect", "artifacts", "metrics")),
            new Preset("compositional explanations", 2000, List.of("dissect", "explain")));

    public static List<String> layersOf(BundleSummary b) {
        return b == null ? List.of() : b.layers();
    }

    /** The bundle's concept classes, without class 0 (unlabeled). */
    public static List<String> classesOf(BundleSummary b) {
        return b == null ? List.of() : b.classes();
    }

    /** The signed-in user's name, recorded as the experiment's "launched by". */
    private static String signedIn() {
        var auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? null : auth.getName();
    }
}
