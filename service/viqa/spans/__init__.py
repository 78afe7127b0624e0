"""Where a flag is in the translation when a check only knows it in English.

The meaning check names the English words that diverge (`viqa.score.divergence`): words of the
source the back-translation lost, words the back-translation added. The editor must change the
Vietnamese, so these modules map those words onto it: `anchors` pairs what the two texts share
(numbers, names, places, titles, weekdays, direction words, glossary terms, identical tokens),
`project` maps an English span through those anchors and relative position between them, and
`meaning` picks which diverging phrase a flag points at. Spans are presentation: nothing here
changes a verdict.
"""
