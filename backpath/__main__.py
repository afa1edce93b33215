import sys

from backpath.cli import main

sys.exit(main())
