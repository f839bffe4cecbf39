from typing import Any

from classifier.segmentation import Block

def usable(start: Any) -> bool: ...

class Walker:
    blocks: list[Block]
    warnings: list[str]
    def walk(self, start: Any) -> bool: ...
    def paths(self, stopped: bool) -> None: ...
