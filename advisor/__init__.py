"""loracord advisor package."""
