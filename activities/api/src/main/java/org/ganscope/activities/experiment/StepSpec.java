package org.ganscope.activities.experiment;

/** A step to show on the experiment's timeline before it runs. */
public record StepSpec(String name, String layer, long total) {
}
