"""The test run's flag is for this process only.

pytest-env sets BACKPATH_TESTING=true (see [tool.pytest.ini_options] in pyproject.toml) before
pytest-django imports the settings, so the suite runs without a secret key and over plain
HTTP. Once the settings are loaded nothing reads the flag again; it is removed here so that
the processes the tests start (``python -m backpath ...``) see the environment a real
installation has and fail closed the same way, unless a test asks for the demo or test mode
itself.
"""

import os

from django.conf import settings

# Evaluate the settings now (a no-op when pytest-django already did) so that they are read
# with the flag still set, whatever order pytest-django loads them in.
_ = settings.SECRET_KEY
os.environ.pop("BACKPATH_TESTING", None)
