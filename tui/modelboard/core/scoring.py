"""Priority: the weighted mean of an item's scores on the board's criteria, 0-100."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from modelboard.core.model import SCORE_MAX, SCORE_MIN, Criterion


def criterion_points(criterion: Criterion, score: int) -> float:
    """A 1-5 score as 0-100 points, turned round when a high score is worse."""
    points = (score - SCORE_MIN) / (SCORE_MAX - SCORE_MIN) * 100
    return 100 - points if criterion.higher_is_worse else points


def priority(scores: Mapping[str, int], criteria: Iterable[Criterion]) -> float | None:
    """The weighted mean of the criteria's points, or None while any criterion is unscored.

    Criteria of weight 0 do not count; with no weight at all there is no priority.
    """
    total = 0.0
    weights = 0.0
    for criterion in criteria:
        score = scores.get(criterion.key)
        if score is None:
            return None
        if criterion.weight:
            total += criterion.weight * criterion_points(criterion, score)
            weights += criterion.weight
    if not weights:
        return None
    return round(total / weights, 1)
