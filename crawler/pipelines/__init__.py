"""Item pipelines: extraction -> validation -> dedup -> incremental -> JSONL storage.

Extraction, validation and dedup live here; storage and incremental state in
``storage.py`` / ``incremental.py``. Import them by dotted path (ITEM_PIPELINES);
this package does not import them eagerly so that workers stay light.
"""

__all__: list[str] = []
