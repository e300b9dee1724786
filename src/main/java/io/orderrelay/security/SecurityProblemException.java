package io.orderrelay.security;

/** Answers the caller with a problem from this package; no stack trace (it is not a failure of ours). */
public class SecurityProblemException extends RuntimeException {

    private final transient SecurityProblem problem;

    public SecurityProblemException(SecurityProblem problem) {
        super(problem.title() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
    }

    public SecurityProblem problem() {
        return problem;
    }
}
