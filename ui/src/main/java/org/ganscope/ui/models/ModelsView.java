package org.ganscope.ui.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.component.upload.receivers.FileBuffer;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.StreamResource;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.ganscope.services.bundle.BundleService;
import org.ganscope.services.bundle.BundleSummary;
import org.ganscope.services.bundle.BundleUpload;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import org.ganscope.ui.common.Fmt;
import org.ganscope.ui.layout.MainLayout;

/**
 * Models and datasets: every registered bundle with its model card (description, training,
 * segmenter quality per class), its sample grid and real images; admins upload a zipped
 * bundle, which is verified as the loader does and refused with the reason.
 */
@Route(value = "models", layout = MainLayout.class)
@PageTitle("Models | ganscope")
@PermitAll
public class ModelsView extends VerticalLayout implements BeforeEnterObserver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BundleService bundles;
    private final Grid<BundleSummary> grid = new Grid<>();
    private final Div card = new Div();
    /** Why the last upload was refused, under the upload (no pop-up, no tick beside it). */
    private final Paragraph uploadRefusal = new Paragraph();

    public ModelsView(BundleService bundles, BundleUpload upload, AuthenticationContext auth) {
        this.bundles = bundles;
        grid.setId("bundles");
        grid.addColumn(BundleSummary::name).setHeader("bundle").setSortable(true).setAutoWidth(true);
        grid.addColumn(BundleSummary::dataset).setHeader("dataset").setSortable(true);
        grid.addColumn(BundleSummary::variant).setHeader("variant").setSortable(true);
        grid.addColumn(b -> fmt(manifest(b).path("segmenter").path("pixel_accuracy"))).setHeader("segmenter accuracy");
        grid.addColumn(b -> fmt(manifest(b).path("segmenter").path("mean_iou"))).setHeader("segmenter mIoU");
        grid.addColumn(b -> b.hash().substring(0, 12)).setHeader("hash");
        grid.setAllRowsVisible(true);
        grid.asSingleSelect().addValueChangeListener(e -> show(e.getValue()));
        card.setId("model-card");
        add(grid);
        if (auth.hasRole("ADMIN")) {
            FileBuffer buffer = new FileBuffer();
            Upload up = new Upload(buffer);
            up.setId("bundle-upload");
            up.setAcceptedFileTypes(".zip", "application/zip");
            up.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, upload.maxBytes()));
            up.setDropLabel(new Span("a zipped bundle folder (manifest.json and its files), up to 256 MB"));
            // the upload's own tick would say "done" as soon as the bytes arrived, before the bundle is checked: the file's
            // row says "checking" until the server has verified it, then shows the tick (registered) or only the refusal
            up.getElement().executeJs("""
                    this.addEventListener('upload-success', e => {
                      const f = e.detail.file;
                      f.complete = false; f.indeterminate = true; f.status = 'checking the bundle…';
                      this._renderFileList();
                    });""");
            up.addSucceededListener(e -> {
                String file = e.getFileName();
                try (InputStream in = buffer.getInputStream()) {
                    var b = upload.upload(in, buffer.getFileData().getFile().length());
                    uploadOutcome(up, file, null, "registered as " + b.name());
                    uploadRefusal.setVisible(false);
                    Notification.show("bundle " + b.name() + " registered", 4000, Notification.Position.MIDDLE)
                            .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
                    grid.setItems(bundles.all());
                } catch (IllegalArgumentException | IOException ex) {
                    refuse(up, file, ex.getMessage());
                } finally {
                    buffer.getFileData().getFile().delete();
                }
            });
            up.addFileRejectedListener(e -> refuse(up, null, e.getErrorMessage()));
            uploadRefusal.setId("upload-refusal");
            uploadRefusal.getStyle().set("color", "var(--lumo-error-text-color)");
            uploadRefusal.setVisible(false);
            add(new H3("Upload a bundle"), up, uploadRefusal);
        }
        add(card);
        grid.setItems(bundles.all());
    }

    /** The refusal under the upload, and the file's row marked refused (its error, no tick), if the file got that far. */
    private void refuse(Upload up, String file, String reason) {
        uploadRefusal.setText("refused" + (file == null ? "" : " " + file) + ": " + reason);
        uploadRefusal.setVisible(true);
        if (file != null) {
            uploadOutcome(up, file, reason, null);
        }
    }

    /** The file's row in the upload's list: refused with {@code error} (no tick), or done with {@code status} (the tick). */
    private static void uploadOutcome(Upload up, String file, String error, String status) {
        up.getElement().executeJs("""
                const f = (this.files || []).find(x => x.name === $0);
                if (!f) return;
                f.indeterminate = false; f.uploading = false; f.held = false;
                if ($1) { f.complete = false; f.error = $1; f.status = ''; } else { f.error = ''; f.complete = true; f.status = $2; }
                this.files = [...this.files];""", file, error, status);
    }

    /** {@code /models?bundle=NAME} (the experiment page links here) opens that bundle's card. */
    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        var wanted = event.getLocation().getQueryParameters().getSingleParameter("bundle");
        wanted.flatMap(name -> grid.getListDataView().getItems().filter(b -> b.name().equals(name)).findFirst()).ifPresent(grid::select);
    }

    private void show(BundleSummary b) {
        card.removeAll();
        if (b == null) {
            return;
        }
        JsonNode m = manifest(b);
        JsonNode train = m.path("training").path("generator");
        card.add(new H3(b.name()), new Paragraph(m.path("description").asText()),
                new Paragraph(String.format(Locale.ROOT, "dataset %s, variant %s, %dx%d images, latent %d; generator trained %d iterations"
                        + " (%s, %.0f s); layers: %s", b.dataset(), b.variant(), m.path("image_size").asInt(), m.path("image_size").asInt(),
                        m.path("zdim").asInt(), train.path("iterations").asInt(), train.path("loss").asText(), train.path("wall_seconds").asDouble(),
                        layers(m))));
        StringBuilder iou = new StringBuilder("segmenter IoU per class: ");
        m.path("segmenter").path("per_class_iou").fields().forEachRemaining(f -> iou.append(f.getKey()).append(' ')
                .append(fmt(f.getValue())).append(", "));
        card.add(new Paragraph(iou.substring(0, iou.length() - 2)));
        HorizontalLayout pics = new HorizontalLayout();
        addImage(pics, b, m.path("sample_grid").asText(), "generated samples", "model-samples");
        addImage(pics, b, m.path("real").path("images").asText(), "real images", "model-real");
        card.add(pics);
    }

    private static void addImage(HorizontalLayout to, BundleSummary b, String rel, String caption, String id) {
        Path dir = Path.of(b.path()).normalize();
        Path file = dir.resolve(rel).normalize();
        if (rel.isEmpty() || !file.startsWith(dir) || !Files.isRegularFile(file)) {
            return;
        }
        Image img = new Image(new StreamResource(b.name() + "_" + file.getFileName(), () -> {
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), caption);
        img.setId(id);
        img.setMaxWidth("520px");
        to.add(new VerticalLayout(new Paragraph(caption), img));
    }

    private static String layers(JsonNode m) {
        StringBuilder s = new StringBuilder();
        m.path("layers").forEach(l -> s.append(s.length() == 0 ? "" : ", ").append(l.path("name").asText()).append(" (")
                .append(l.path("units").asInt()).append(" units)"));
        return s.toString();
    }

    private static JsonNode manifest(BundleSummary b) {
        try {
            return JSON.readTree(b.manifestJson());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String fmt(JsonNode v) {
        return v.isNumber() ? Fmt.score(v.asDouble()) : "";
    }
}
