"""`python -m storyline ...` runs the same command line as the `storyline` script."""

import sys

from storyline.cli import main

sys.exit(main())
