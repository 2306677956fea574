"""Swagger UI's assets served by the app itself, from the swagger-ui-bundle package (no CDN)."""

from __future__ import annotations

from flask import Flask, send_from_directory
from swagger_ui_bundle import swagger_ui_path

ASSET_FILES = {"swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css",
               "favicon-32x32.png", "favicon-16x16.png"}


def init_app(app: Flask) -> None:
    @app.get("/docs/assets/<path:filename>")
    def swagger_ui_asset(filename: str):
        if filename not in ASSET_FILES:
            from flask import abort

            abort(404)
        return send_from_directory(swagger_ui_path, filename, max_age=86400)
