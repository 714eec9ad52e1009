"""Command line: ``python -m toolkit doctor``."""
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["doctor"]:
        from .doctor_checks import main as doctor_main

        return doctor_main()
    print("usage: python -m toolkit doctor    (checks this computer for the course)")
    return 2


if __name__ == "__main__":
    sys.exit(main())
