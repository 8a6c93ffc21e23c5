"""The text of a new store: the contract's defaults, with comments that explain them."""

from __future__ import annotations

DEFAULT_STORE = """\
# modelboard backlog. Edit it by hand or with `modelboard`; comments and layout are kept.
# Keep notes about an item inside its [items.ID] table: a comment directly above a
# header belongs to that item and goes when the item is deleted.
version = 1

[board]
name = "Model backlog"
stages = ["proposed", "ready", "building", "deployed", "retired"]  # columns, left to right
kinds = ["new", "revision", "deployment"]
review_days = 14                  # not reviewed for this many days = stale

[board.review_days_by_stage]      # per-stage overrides; 0 = never stale
retired = 0

# The priority is the weighted mean of the criteria, 0-100; every score is 1-5.
[scoring.criteria.value]
label = "Business value"
weight = 3

[scoring.criteria.feasibility]
label = "Feasibility"
weight = 2

[scoring.criteria.effort]
label = "Resources needed"
weight = 2
higher_is_worse = true            # 5 = needs the most, so it lowers the priority

[template]
required = ["description", "benefit", "resources"]  # blank ones mark an item incomplete

# Stage gates: what an item needs to enter a stage. "template" is every field above,
# "scores" a score for every criterion; "owner", "goals" or any field name also work.
# A move that lacks something is refused (`--force` moves anyway, and history says so).
[template.required_by_stage]
ready = ["description", "benefit"]
building = ["template", "scores", "owner"]
deployed = ["template", "scores", "owner"]

# The team's rhythm: a review every review_every days (`r`, `modelboard review`), an update
# to the audience every update_every days (`modelboard report --record`). `modelboard status`
# says what is due.
[rhythm]
review_every = 14
update_every = 14
audience = []                     # names, addresses or channels, as text
"""

# `modelboard init --preset ml`: the template a model backlog needs beyond the basics.
ML_TEMPLATE = """required = [
    "description", "benefit", "resources",
    "success_metric", "data_sources", "risks",
]"""
PRESETS = {
    "basic": DEFAULT_STORE,
    "ml": DEFAULT_STORE.replace(
        'required = ["description", "benefit", "resources"]', ML_TEMPLATE, 1
    ),
}
