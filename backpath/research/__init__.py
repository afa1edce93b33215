"""The research export (``backpath export``): pseudonymised episodes, measurements and session
notes for a period, with small cells suppressed and a data dictionary beside the files.

``tables`` holds the columns (the dictionary is that data), ``rows`` builds the rows from the
records chunk by chunk, ``pseudonyms`` and ``suppression`` protect them, ``writers`` and
``dictionary`` write the files, and ``export`` runs the whole and logs it.
"""
