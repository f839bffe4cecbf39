"""Comments every template places around the story, where broken pages are cut off."""

from __future__ import annotations

#: Just before the article starts (a ``cut-off`` page ends here: no article at all).
STORY_START = "<!-- story -->"
#: Right after the last body paragraph (a ``truncated`` page ends here: whole body, no tail).
BODY_END = "<!-- /story-body -->"
