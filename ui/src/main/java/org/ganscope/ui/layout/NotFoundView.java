package org.ganscope.ui.layout;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.ParentLayout;
import com.vaadin.flow.router.RouterLink;
import jakarta.annotation.security.PermitAll;
import jakarta.servlet.http.HttpServletResponse;
import org.ganscope.ui.experiments.ExperimentsView;

/** Unknown routes and missing experiments, inside the dashboard's frame, with the way back. */
@PermitAll
@ParentLayout(MainLayout.class)
public class NotFoundView extends VerticalLayout implements HasErrorParameter<NotFoundException> {
    private final Paragraph reason = new Paragraph();

    public NotFoundView() {
        setId("not-found");
        reason.setId("not-found-reason");
        add(new H2("Not found"), reason, new RouterLink("Back to the experiments", ExperimentsView.class));
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<NotFoundException> parameter) {
        // our views throw with a researcher-facing message; Vaadin's own "Couldn't find route ..." is replaced by the address
        boolean ours = parameter.hasCustomMessage() && !parameter.getCustomMessage().startsWith("Couldn't find route");
        String why = ours ? parameter.getCustomMessage() : "There is no page at /" + event.getLocation().getPath() + ".";
        reason.setText(why);
        return HttpServletResponse.SC_NOT_FOUND;
    }
}
