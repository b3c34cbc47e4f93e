package org.ganscope.ui.common;

import com.vaadin.flow.component.html.Span;

/** A coloured status label. */
public final class StatusBadge {
    private StatusBadge() {
    }

    public static Span of(String status) {
        return style(new Span(status), status);
    }

    /** Colours {@code s} for {@code status} (the experiment page's badge changes as it is polled). */
    public static Span style(Span s, String status) {
        String color = switch (status) {
            case "SUCCEEDED" -> "#2e7d32";
            case "FAILED" -> "#c62828";
            case "RUNNING", "RETRYING" -> "#1565c0";
            case "CANCELLED" -> "#6d4c41";
            case "SKIPPED" -> "#9e9e9e";
            default -> "#616161";
        };
        s.getStyle().set("color", "white").set("background", color).set("border-radius", "4px").set("padding", "0 6px")
                .set("font-size", "0.85em");
        s.getElement().setAttribute("data-status", status);
        return s;
    }
}
