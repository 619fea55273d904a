"""A local Discord (REST, gateway, CDN) that the real discord.py client connects to unchanged.

See docs/standin.md. Entry point: :class:`standin.driver.StandIn`.
"""
