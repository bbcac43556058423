"""`python -m prdqn_helpers`: the command line (cli.py), started here so that no exported module imports it."""
import sys

from prdqn_helpers.cli import main

if __name__ == "__main__":
    sys.exit(main())
