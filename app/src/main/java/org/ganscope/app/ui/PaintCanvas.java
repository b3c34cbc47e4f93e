package org.ganscope.app.ui;

import com.vaadin.flow.component.ClientCallable;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.server.StreamResource;

/**
 * The sample under a grid of cells at the layer's resolution: press and drag to paint
 * cells (again to erase). The painted cells reach the server through {@link #painted}.
 */
final class PaintCanvas extends Div {
    private final Image image = new Image();
    private final Div cells = new Div();
    private boolean[] mask = new boolean[0];

    PaintCanvas(int sizePx) {
        setId("paint");
        getStyle().set("position", "relative").set("width", sizePx + "px").set("height", sizePx + "px").set("user-select", "none")
                .set("flex-shrink", "0");
        image.setWidth(sizePx + "px");
        image.setHeight(sizePx + "px");
        image.getStyle().set("image-rendering", "pixelated").set("position", "absolute");
        image.setId("paint-image");
        cells.getStyle().set("position", "absolute").set("inset", "0").set("display", "grid");
        add(image, cells);
    }

    void show(StreamResource picture, int h, int w) {
        image.setSrc(picture);
        mask = new boolean[h * w];
        cells.getStyle().set("grid-template-columns", "repeat(" + w + ", 1fr)").set("grid-template-rows", "repeat(" + h + ", 1fr)");
        getElement().executeJs("""
                const root = this, grid = root.lastElementChild, n = $0 * $1;
                grid.innerHTML = '';
                let down = false, value = true;
                const send = () => root.$server.painted([...grid.children].map(c => c.dataset.on === '1' ? '1' : '0').join(''));
                const set = (c, v) => { c.dataset.on = v ? '1' : '0'; c.style.background = v ? 'rgba(255,224,0,0.45)' : 'transparent'; };
                for (let i = 0; i < n; i++) {
                  const c = document.createElement('div');
                  c.style.outline = '1px solid rgba(255,255,255,0.08)';
                  c.addEventListener('mousedown', e => { down = true; value = c.dataset.on !== '1'; set(c, value); e.preventDefault(); });
                  c.addEventListener('mouseenter', () => { if (down) set(c, value); });
                  grid.appendChild(c);
                }
                grid.onmouseup = grid.onmouseleave = () => { if (down) { down = false; send(); } };
                root.paintCells = (bits) => { [...grid.children].forEach((c, i) => set(c, bits[i] === '1')); send(); };
                """, h, w);
    }

    @ClientCallable
    private void painted(String bits) {
        boolean[] m = new boolean[mask.length];
        for (int i = 0; i < Math.min(bits.length(), m.length); i++) {
            m[i] = bits.charAt(i) == '1';
        }
        mask = m;
    }

    boolean[] mask() {
        return mask.clone();
    }
}
