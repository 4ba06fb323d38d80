"""Stop with one clear line unless this Python is one the pinned packages install on.

Run by `make` before it creates the virtual environment. Written so that any Python can run it.
"""
import sys

OLDEST, NEWEST = (3, 11), (3, 14)


def main():
    here = sys.version_info[:2]
    if OLDEST <= here <= NEWEST:
        return 0
    sys.stderr.write(
        "cnnviz needs Python %d.%d to %d.%d (its pinned packages publish nothing for others); "
        "%s is Python %d.%d: run make with PYTHON=python3.12 (or another supported one).\n"
        % (OLDEST + NEWEST + (sys.executable,) + here))
    return 1


if __name__ == "__main__":
    sys.exit(main())
