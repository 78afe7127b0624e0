"""Text stages: normalise, segment, tokenise, parse numbers, align sentences."""
