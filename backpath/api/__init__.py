"""The public REST API (``/api/v1/``), built with django-ninja.

Clinics' systems reach it with an API key (``Authorization: Bearer bp_...``) that an operator
makes with ``backpath apikey create``; a logged-in clinician reaches it with the session. A
key reads what a clinician of its clinic reads (``records``), within its scopes, and every
read of patient data is written to the access log under the key's name. The public data
(instruments, red flags, exercises) needs no key; scoring and assessing need any valid key
or session and answer exactly the command line's JSON. Every error is an RFC 9457 problem
(``problems``). docs/api.md describes the whole API.
"""
