import sys

from api_mirror.cli import main

sys.exit(main())
