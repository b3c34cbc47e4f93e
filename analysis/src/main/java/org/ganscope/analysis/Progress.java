package org.ganscope.analysis;

/**
 * How long-running engine work reports how far it is: a sequence of phases, each with a
 * known amount of work. The engine knows nothing of terminals; the command line turns
 * these calls into a progress bar or periodic lines. Implementations must accept
 * {@link #advance} from several threads at once.
 */
public interface Progress {
    /** No reporting. */
    Progress NONE = new Progress() {
        @Override
        public void begin(String phase, long total, String unit) {
        }

        @Override
        public void advance(long n) {
        }

        @Override
        public void end() {
        }
    };

    /**
     * A view of {@code outer} for work run inside one of its phases (e.g. several metric
     * computations that make up one phase): the inner work's {@link #advance} counts towards
     * the outer phase; its own {@link #begin} and {@link #end} are ignored.
     */
    static Progress within(Progress outer) {
        return new Progress() {
            @Override
            public void begin(String phase, long total, String unit) {
            }

            @Override
            public void advance(long n) {
                outer.advance(n);
            }

            @Override
            public void end() {
            }
        };
    }

    /** A phase of {@code total} steps of {@code unit} (e.g. "images", "units") starts; ends the previous one. */
    void begin(String phase, long total, String unit);

    /** {@code n} more steps of the current phase are done. */
    void advance(long n);

    /** The current phase is done. */
    void end();

    /**
     * The current phase turned out to have {@code total} steps, not the number given to
     * {@link #begin} (e.g. a platform step whose work is known only once it runs). Ignored by
     * default.
     */
    default void total(long total) {
    }
}
