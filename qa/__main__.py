"""`python -m qa` runs the command line, as the installed `qa` script does."""
import sys

from .cli import main

sys.exit(main())
