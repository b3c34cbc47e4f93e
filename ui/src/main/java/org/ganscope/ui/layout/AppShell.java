package org.ganscope.ui.layout;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.PWA;

/** Application shell of the dashboard: server push for live progress. */
@Push
@PWA(name = "ganscope", shortName = "ganscope")
public class AppShell implements AppShellConfigurator {
}
