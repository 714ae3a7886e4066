"""The test suite's settings: production's (DEBUG off), with a throwaway key if none is set.

Set before the settings load, so that processes the tests start inherit it too.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", f"tests-only-{secrets.token_urlsafe(40)}")

from config.settings import *  # noqa: F403
