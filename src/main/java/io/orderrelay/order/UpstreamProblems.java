package io.orderrelay.order;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderrelay.problem.Problem;

/** Reads upstream validation problems: {@code [{"problem": "OUT_OF_STOCK", "moreDetails": "..."}]}. */
final class UpstreamProblems {

    private UpstreamProblems() {
    }

    /** From a validation answer {@code {"problems": [...] | null}}. */
    static List<Problem.UpstreamProblem> fromValidation(JsonNode answer) {
        return answer == null ? List.of() : list(answer.get("problems"));
    }

    /** From a refused create's error body: {@code moreDetails} may hold the problems, else {@code detail} is the code. */
    static List<Problem.UpstreamProblem> fromError(JsonNode body, String code) {
        List<Problem.UpstreamProblem> problems = body == null ? List.of() : list(body.get("moreDetails"));
        if (!problems.isEmpty()) {
            return problems;
        }
        String details = body != null && body.hasNonNull("moreDetails") ? body.get("moreDetails").asText() : null;
        return List.of(new Problem.UpstreamProblem(code != null ? code : "REFUSED", details));
    }

    private static List<Problem.UpstreamProblem> list(JsonNode array) {
        List<Problem.UpstreamProblem> problems = new ArrayList<>();
        if (array == null || !array.isArray()) {
            return problems;
        }
        for (JsonNode p : array) {
            String code = p.hasNonNull("problem") ? p.get("problem").asText() : p.path("code").asText("UNKNOWN");
            JsonNode details = p.get("moreDetails");
            problems.add(new Problem.UpstreamProblem(code,
                    details == null || details.isNull() ? null : details.isTextual() ? details.asText() : details.toString()));
        }
        return problems;
    }
}
