"""loracord config package."""
