package org.ganscope.app.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.ganscope.app.bundle.BundleService;
import org.ganscope.app.experiment.ExperimentService;
import org.ganscope.app.experiment.LaunchRequest;
import org.ganscope.db.BundleRepository;

/** Launch an experiment: bundle, layers, counts, seed, steps, classes of interest; validated by the service, which gives the reason on refusal. */
@jakarta.annotation.security.RolesAllowed("OPERATOR")
@Route(value = "launch", layout = MainLayout.class)
@PageTitle("Launch | ganscope")
public class LaunchView extends VerticalLayout {
    public LaunchView(BundleService bundles, ExperimentService experiments) {
        TextField name = new TextField("name");
        name.setId("name");
        ComboBox<BundleRepository.BundleRow> bundle = new ComboBox<>("bundle", bundles.all());
        bundle.setId("bundle");
        bundle.setItemLabelGenerator(b -> b.name() + " (" + b.dataset() + ", " + b.variant() + ")");
        CheckboxGroup<String> layers = new CheckboxGroup<>("layers");
        layers.setId("layers");
        CheckboxGroup<String> classes = new CheckboxGroup<>("classes of interest (for intervene)");
        classes.setId("classes");
        bundle.addValueChangeListener(e -> {
            classes.setItems(classesOf(e.getValue()));
            layers.setItems(layersOf(e.getValue()));
            List<String> l = layersOf(e.getValue());
            if (!l.isEmpty()) {
                layers.setValue(Set.of(l.get(l.size() / 2)));
            }
        });
        IntegerField samples = new IntegerField("samples");
        samples.setValue(1000);
        samples.setId("samples");
        IntegerField seed = new IntegerField("seed");
        seed.setValue(0);
        IntegerField shards = new IntegerField("shards");
        shards.setValue(4);
        CheckboxGroup<String> steps = new CheckboxGroup<>("steps", "dissect", "metrics", "explain", "intervene", "optimize", "artifacts");
        steps.setId("steps");
        steps.setValue(Set.of("dissect", "metrics"));
        TextField tags = new TextField("tags (comma separated)");
        ComboBox<Preset> preset = new ComboBox<>("preset", PRESETS);
        preset.setId("preset");
        preset.setItemLabelGenerator(Preset::name);
        preset.addValueChangeListener(e -> {
            if (e.getValue() != null) {
                samples.setValue(e.getValue().samples());
                steps.setValue(Set.copyOf(e.getValue().steps()));
            }
        });
        Button launch = new Button("Launch", e -> {
            try {
                List<String> tagList = tags.getValue().isBlank() ? List.of()
                        : Arrays.stream(tags.getValue().split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
                long id = experiments.launch(new LaunchRequest(name.getValue().isBlank() ? null : name.getValue(),
                        bundle.getValue() == null ? null : bundle.getValue().name(), new ArrayList<>(layers.getValue()), samples.getValue(),
                        seed.getValue() == null ? null : seed.getValue().longValue(), null, null, null, null, shards.getValue(), tagList,
                        new ArrayList<>(steps.getValue()), new ArrayList<>(classes.getValue())), signedIn());
                getUI().ifPresent(ui -> ui.navigate(ExperimentView.class, new RouteParameters("id", String.valueOf(id))));
            } catch (IllegalArgumentException | org.ganscope.analysis.AnalysisException ex) {
                Notification n = Notification.show(ex.getMessage(), 6000, Notification.Position.MIDDLE);
                n.addThemeVariants(NotificationVariant.LUMO_ERROR);
            }
        });
        launch.setId("launch");
        add(new FormLayout(preset, name, bundle, layers, samples, seed, shards, steps, classes, tags), launch);
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

    static List<String> layersOf(BundleRepository.BundleRow b) {
        return names(b, "layers", 0);
    }

    /** The bundle's concept classes, without class 0 (unlabeled). */
    static List<String> classesOf(BundleRepository.BundleRow b) {
        return names(b, "classes", 1);
    }

    private static List<String> names(BundleRepository.BundleRow b, String field, int skip) {
        if (b == null) {
            return List.of();
        }
        try {
            List<String> out = new ArrayList<>();
            new ObjectMapper().readTree(b.manifestJson()).get(field).forEach(l -> out.add(l.get("name").asText()));
            return out.subList(Math.min(skip, out.size()), out.size());
        } catch (Exception e) {
            return List.of();
        }
    }

    /** The signed-in user's name, recorded as the experiment's "launched by". */
    private static String signedIn() {
        var auth = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? null : auth.getName();
    }
}
