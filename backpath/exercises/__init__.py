"""Exercises: the illustrated library, its renderer and home exercise programs (pure, no Django)."""
