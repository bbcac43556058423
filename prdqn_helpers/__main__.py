"""`python -m prdqn_helpers`: the command line (`prdqn_helpers.cli`, hand-written), so that no exported module
imports it."""

import sys

from prdqn_helpers.cli import main

if __name__ == "__main__":
    sys.exit(main())
