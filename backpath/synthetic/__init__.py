"""Synthetic clinics at scale (issue #15): invented patients through the real models."""
