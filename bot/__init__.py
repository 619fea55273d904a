"""loracord bot package."""
