package org.ganscope.ui.playground;

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
        // pointer events, the cell under the pointer from its coordinates, and every cell on the straight line from
        // the previous event's cell painted too (a fast drag skips no cells); a square brush of root.brush cells
        getElement().executeJs("""
                const root = this, grid = root.lastElementChild, H = $0, W = $1, n = H * W;
                grid.innerHTML = '';
                if (root.brush === undefined) root.brush = 1;
                let down = false, value = true, last = null;
                const send = () => root.$server.painted([...grid.children].map(c => c.dataset.on === '1' ? '1' : '0').join(''));
                const set = (c, v) => { c.dataset.on = v ? '1' : '0'; c.style.background = v ? 'rgba(255,224,0,0.45)' : 'transparent'; };
                const stamp = (y, x) => {
                  const r0 = -Math.floor((root.brush - 1) / 2), r1 = r0 + root.brush - 1;
                  for (let dy = r0; dy <= r1; dy++) for (let dx = r0; dx <= r1; dx++) {
                    const yy = y + dy, xx = x + dx;
                    if (yy >= 0 && yy < H && xx >= 0 && xx < W) set(grid.children[yy * W + xx], value);
                  }
                };
                const cellAt = e => {
                  const b = grid.getBoundingClientRect();
                  return [Math.min(H - 1, Math.max(0, Math.floor((e.clientY - b.top) / b.height * H))),
                          Math.min(W - 1, Math.max(0, Math.floor((e.clientX - b.left) / b.width * W)))];
                };
                const line = (a, b) => { // every cell from a to b (Bresenham)
                  let [y0, x0] = a; const [y1, x1] = b;
                  const dx = Math.abs(x1 - x0), dy = -Math.abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
                  let err = dx + dy;
                  for (;;) {
                    stamp(y0, x0);
                    if (x0 === x1 && y0 === y1) break;
                    const e2 = 2 * err;
                    if (e2 >= dy) { err += dy; x0 += sx; }
                    if (e2 <= dx) { err += dx; y0 += sy; }
                  }
                };
                for (let i = 0; i < n; i++) {
                  const c = document.createElement('div');
                  c.style.outline = '1px solid rgba(255,255,255,0.08)';
                  grid.appendChild(c);
                }
                grid.onpointerdown = e => {
                  const p = cellAt(e);
                  down = true; value = grid.children[p[0] * W + p[1]].dataset.on !== '1'; last = p; stamp(p[0], p[1]);
                  grid.setPointerCapture(e.pointerId); e.preventDefault();
                };
                grid.onpointermove = e => { if (down) { const p = cellAt(e); line(last, p); last = p; } };
                grid.onpointerup = grid.onpointercancel = () => { if (down) { down = false; last = null; send(); } };
                root.paintCells = (bits) => { [...grid.children].forEach((c, i) => set(c, bits[i] === '1')); send(); };
                root.strokeCells = (points) => { // test hook: a drag through these [row, col] cells, as pointer events would give
                  value = true; last = points[0]; stamp(last[0], last[1]);
                  for (const p of points.slice(1)) { line(last, p); last = p; }
                  send();
                };
                """, h, w);
    }

    /** The brush: a square of {@code cells} x {@code cells} layer cells. */
    void brush(int cells) {
        getElement().executeJs("this.brush = $0", Math.max(1, cells));
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
