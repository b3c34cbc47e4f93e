package org.ganscope.ui.common;

import com.vaadin.flow.component.html.Div;

/**
 * An ECharts chart (the webjar the experiment page loads): set an option as JSON; the
 * element gets {@code data-rendered="true"} once drawn (browser tests wait for it).
 */
public final class EChart extends Div {
    public EChart(String id, String width, String height) {
        setId(id);
        setWidth(width);
        setHeight(height);
    }

    public void setOption(String optionJson) {
        getElement().executeJs("""
                const el = this;
                const draw = () => {
                  if (!window.echarts) { setTimeout(draw, 50); return; }
                  const c = echarts.getInstanceByDom(el) || echarts.init(el);
                  c.setOption(JSON.parse($0), true);
                  el.setAttribute('data-rendered', 'true');
                };
                draw();
                """, optionJson);
    }
}
