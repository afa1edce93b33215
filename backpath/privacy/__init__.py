"""The patient's data rights (GDPR, WGBO): export of everything held about them, erasure on
request, and the retention rules."""
