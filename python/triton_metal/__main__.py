"""``python -m triton_metal script.py [args...]``: runs a script written for ``import triton`` on
triton_metal (see triton_metal.install)."""
import runpy
import sys

from ._install import install


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: python -m triton_metal script.py [args...]")
    install()
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name="__main__")


main()
