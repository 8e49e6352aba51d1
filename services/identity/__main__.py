import sys

from services.identity.main import main

sys.exit(main())
