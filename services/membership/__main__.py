import sys

from services.membership.main import main

sys.exit(main())
