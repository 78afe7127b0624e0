"""Review: reviewers' decisions on flags, their memory across article versions, exports,
scorecards and learned thresholds."""
