package org.ganscope.services.experiment;

import org.ganscope.db.ExperimentRepository;

/**
 * Filters (null = any) and the sort of an experiment listing. {@code search} matches name,
 * notes and bundle name; {@code sortBy} is one of id, name, status, bundle, created, updated.
 */
public record ExperimentFilter(String search, String status, String bundleName, String dataset, String tag, String sortBy,
        boolean ascending) {
    ExperimentRepository.Query query() {
        return new ExperimentRepository.Query(search, status, bundleName, dataset, tag, sortBy, ascending);
    }
}
