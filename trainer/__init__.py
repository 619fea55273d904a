"""loracord trainer package."""
