"""The HTTP service: deliveries in (signature, queue), pages and health out."""

from app.server.web import make_app

__all__ = ["make_app"]
