package org.ganscope.ui.users;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.RolesAllowed;
import org.ganscope.services.security.UserService;
import org.ganscope.services.security.UserSummary;
import com.vaadin.flow.router.AccessDeniedException;
import com.vaadin.flow.server.auth.AccessDeniedErrorRouter;
import org.ganscope.ui.layout.MainLayout;

/** Admins add and remove users and choose their role (viewer, operator, admin). */
@Route(value = "users", layout = MainLayout.class)
@PageTitle("Users | ganscope")
@RolesAllowed("ADMIN")
// a signed-in user without the role sees the forbidden page inside the layout (not a bare "could not navigate")
@AccessDeniedErrorRouter(rerouteToError = AccessDeniedException.class)
public class UsersView extends VerticalLayout {
    private final UserService users;
    private final Grid<UserSummary> grid = new Grid<>();

    public UsersView(UserService users, AuthenticationContext auth) {
        this.users = users;
        grid.setId("users");
        grid.addColumn(UserSummary::username).setHeader("user");
        grid.addColumn(UserSummary::role).setHeader("role");
        grid.addColumn(u -> u.createdAt() == null ? "" : org.ganscope.ui.common.Fmt.time(u.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                .setHeader("created");
        String me = auth.getPrincipalName().orElse("");
        grid.addComponentColumn(u -> {
            Button remove = new Button("Remove", e -> act(() -> users.delete(u.username(), me)));
            remove.addClassName("remove-user");
            if (u.username().equals(me)) { // an admin cannot remove themself (and so lock everyone out)
                remove.setEnabled(false);
                remove.setTooltipText("you cannot remove the user you are signed in as");
            }
            return remove;
        }).setHeader("");
        grid.setAllRowsVisible(true);
        TextField name = new TextField("user name");
        name.setId("new-user");
        ComboBox<String> role = new ComboBox<>("role", UserService.ROLES);
        role.setId("new-role");
        role.setValue("viewer");
        PasswordField password = new PasswordField("password (10+ characters)");
        password.setId("new-password");
        Button add = new Button("Add user", e -> act(() -> {
            users.create(name.getValue(), role.getValue(), password.getValue());
            name.clear();
            password.clear();
        }));
        add.setId("add-user");
        HorizontalLayout form = new HorizontalLayout(name, role, password, add);
        form.setAlignItems(HorizontalLayout.Alignment.BASELINE);
        add(form, grid);
        grid.setItems(users.all());
    }

    private void act(Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException ex) {
            Notification.show(ex.getMessage(), 5000, Notification.Position.MIDDLE).addThemeVariants(NotificationVariant.LUMO_ERROR);
        }
        grid.setItems(users.all());
    }
}
