"""``python -m classifier train|evaluate|anchors ...``."""

from __future__ import annotations

import sys
from collections.abc import Sequence

USAGE = ("usage: python -m classifier {train,evaluate,anchors} [options]  "
         "(-h after a command for help)")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command == "train":
        from classifier.training import main as train_main
        return train_main(rest)
    if command == "anchors":
        from classifier.training import anchors_main
        return anchors_main(rest)
    if command == "evaluate":
        from classifier.evaluation import main as evaluate_main
        return int(evaluate_main(rest) or 0)
    print(f"unknown command {command!r}\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
