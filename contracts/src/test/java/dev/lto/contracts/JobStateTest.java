package dev.lto.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.lto.contracts.JobState.*;

class JobStateTest {

    /** The lifecycle, written out independently of the enum: seed §3.3, plus cancel and retry. */
    private static final Map<JobState, Set<JobState>> LEGAL = Map.ofEntries(
            Map.entry(SUBMITTED, Set.of(VALIDATING, CANCELLED)),
            Map.entry(VALIDATING, Set.of(PREFLIGHT, REJECTED, CANCELLED)),
            Map.entry(PREFLIGHT, Set.of(QUEUED, BLOCKED, CANCELLED)),
            Map.entry(QUEUED, Set.of(RUNNING, CANCELLED)),
            Map.entry(RUNNING, Set.of(EVALUATING, FAILED, QUEUED)),
            Map.entry(EVALUATING, Set.of(COMPLETED, ANOMALY_FLAGGED)),
            Map.entry(ANOMALY_FLAGGED, Set.of(ENGINEER_REVIEW)),
            Map.entry(ENGINEER_REVIEW, Set.of(CLEARED, ESCALATED)));

    static Stream<Arguments> everyPairOfStates() {
        return Stream.of(JobState.values()).flatMap(from -> Stream.of(JobState.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPairOfStates")
    void exactlyTheLegalTransitionsAreAllowed(JobState from, JobState to) {
        boolean legal = LEGAL.getOrDefault(from, Set.of()).contains(to);
        assertThat(from.canMoveTo(to)).isEqualTo(legal);
        if (legal) {
            assertThat(from.moveTo(to)).isEqualTo(to);
        } else {
            assertThatThrownBy(() -> from.moveTo(to))
                    .isInstanceOf(IllegalStateTransitionException.class)
                    .hasMessageContaining(from + " -> " + to);
        }
    }

    @Test
    void endStatesAreExactlyThoseWithNoSuccessor() {
        assertThat(EnumSet.copyOf(Stream.of(values()).filter(JobState::isTerminal).toList()))
                .isEqualTo(EnumSet.of(REJECTED, BLOCKED, FAILED, COMPLETED, CLEARED, ESCALATED, CANCELLED));
    }

    @Test
    void everyStateIsReachableFromSubmitted() {
        Set<JobState> seen = new HashSet<>(Set.of(SUBMITTED));
        boolean grew = true;
        while (grew) {
            Set<JobState> next = new HashSet<>(seen);
            seen.forEach(s -> next.addAll(s.next()));
            grew = next.size() > seen.size();
            seen = next;
        }
        assertThat(seen).containsExactlyInAnyOrder(values());
    }

    @Test
    void nothingLeadsBackToSubmitted() {
        assertThat(Stream.of(values()).filter(s -> s.canMoveTo(SUBMITTED))).isEmpty();
    }
}
