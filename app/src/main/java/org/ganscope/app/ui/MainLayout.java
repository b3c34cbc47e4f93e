package org.ganscope.app.ui;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.router.RouterLink;

/** The dashboard's frame: title and navigation. */
public class MainLayout extends AppLayout {
    public MainLayout() {
        H1 title = new H1("ganscope");
        title.getStyle().set("font-size", "1.2em").set("margin", "0 1em");
        HorizontalLayout nav = new HorizontalLayout(new RouterLink("Experiments", ExperimentsView.class),
                new RouterLink("Launch", LaunchView.class));
        nav.setSpacing(true);
        addToNavbar(title, nav);
    }
}
