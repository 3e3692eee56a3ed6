"""The local web app and team server: ``create_app(settings)`` builds a FastAPI application.

Pages are server-rendered Jinja2 (autoescape on) with htmx for interaction and Vega-Lite charts;
each page has a JSON twin under ``/api/v1/`` described by the OpenAPI document.
"""

from casusbelli.web.app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
