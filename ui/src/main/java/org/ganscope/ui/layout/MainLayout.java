package org.ganscope.ui.layout;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;
import org.ganscope.ui.compare.CompareView;
import org.ganscope.ui.experiments.ExperimentsView;
import org.ganscope.ui.launch.LaunchView;
import org.ganscope.ui.models.ModelsView;
import org.ganscope.ui.playground.PlaygroundView;
import org.ganscope.ui.users.UsersView;

/** The dashboard's frame: title, navigation (links a user's role allows), who is signed in, sign out. */
@PermitAll
public class MainLayout extends AppLayout {
    public MainLayout(AuthenticationContext auth) {
        H1 title = new H1("ganscope");
        title.getStyle().set("font-size", "1.2em").set("margin", "0 1em");
        HorizontalLayout nav = new HorizontalLayout(new RouterLink("Experiments", ExperimentsView.class),
                new RouterLink("Compare", CompareView.class), new RouterLink("Models", ModelsView.class),
                new RouterLink("Playground", PlaygroundView.class));
        if (auth.hasRole("OPERATOR")) {
            nav.add(new RouterLink("Launch", LaunchView.class));
        }
        if (auth.hasRole("ADMIN")) {
            nav.add(new RouterLink("Users", UsersView.class));
        }
        nav.setSpacing(true);
        nav.setAlignItems(HorizontalLayout.Alignment.CENTER);
        Span who = new Span(auth.getPrincipalName().orElse(""));
        who.setId("signed-in-user");
        Button logout = new Button("Sign out", e -> auth.logout());
        logout.setId("logout");
        HorizontalLayout right = new HorizontalLayout(who, logout);
        right.setAlignItems(HorizontalLayout.Alignment.CENTER);
        right.getStyle().set("margin-left", "auto").set("margin-right", "1em");
        addToNavbar(title, nav, right);
    }
}
