package org.ganscope.ui.layout;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.AccessDeniedException;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.ParentLayout;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;
import jakarta.servlet.http.HttpServletResponse;
import org.ganscope.ui.experiments.ExperimentsView;

/** A signed-in user opened a page their role does not allow (views marked with {@code @AccessDeniedErrorRouter}). */
@PermitAll
@ParentLayout(MainLayout.class)
public class ForbiddenView extends VerticalLayout implements HasErrorParameter<AccessDeniedException> {
    private final Paragraph reason = new Paragraph();
    private final AuthenticationContext auth;

    public ForbiddenView(AuthenticationContext auth) {
        this.auth = auth;
        setId("forbidden");
        reason.setId("forbidden-reason");
        add(new H2("Not allowed"), reason, new RouterLink("Back to the experiments", ExperimentsView.class));
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<AccessDeniedException> parameter) {
        String page = "/" + event.getLocation().getPath();
        String need = page.startsWith("/users") ? "the admin role" : page.startsWith("/launch") ? "the operator role" : "another role";
        reason.setText(auth.getPrincipalName().orElse("You") + " may not open " + page + ": it needs " + need
                + ". Ask an admin to change your role.");
        return HttpServletResponse.SC_FORBIDDEN;
    }
}
