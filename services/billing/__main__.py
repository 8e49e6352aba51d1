import sys

from services.billing.main import main

sys.exit(main())
