"""The board web page: ``GET /board/{event}`` (``?signage=1`` for a hallway screen) and its assets.

Plain HTML, CSS and JavaScript in this folder, served as they are (nothing from another site). The
page reads the public JSON through the API (``/api/v1/events/{event}``, ``.../board``,
``.../ptg.json``) and follows ``/api/v1/events/{event}/stream`` to change without a reload.
"""
from __future__ import annotations

from pathlib import Path

from starlette.responses import FileResponse, Response

HERE = Path(__file__).resolve().parent
ASSETS = {"board.js": "text/javascript", "board.css": "text/css"}
# Everything the page loads or calls is this origin's; links it shows (video rooms, etherpads) open elsewhere.
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                               "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
}


def _file(request, path: Path, media_type: str) -> Response:
    stat = path.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    headers = {"etag": etag, "cache-control": "no-cache", **SECURITY_HEADERS}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=media_type, headers=headers, stat_result=stat)


async def page(request):
    """The same page for every event: its script reads the slug from the path."""
    return _file(request, HERE / "index.html", "text/html; charset=utf-8")


async def asset(request):
    name = request.path_params["name"]
    if name not in ASSETS:
        return Response("no such file", status_code=404, media_type="text/plain")
    return _file(request, HERE / name, ASSETS[name])


def add_routes(app) -> None:
    app.add_url_rule("/board/assets/{name}", "board_asset", asset)
    app.add_url_rule("/board/{event}", "board", page)
