import sys

from services.audit.main import main

sys.exit(main())
