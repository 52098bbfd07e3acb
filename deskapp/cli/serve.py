"""``deskapp serve``: the desk, the board or the kiosk in a browser, with textual-serve.

Every browser that opens the page gets its own app process (textual-serve runs the command
given here once per connection), on the same station file as the terminals.

- **No outside request.** textual-serve's page links Google Fonts; a station may have no
  internet. Its page is replaced by ``screens/web/app_index.html``: Roboto Mono from
  textual-serve's own static files, and Chinese glyphs from a CJK font on the station
  machine, served under ``/station-font/`` (so a TV or tablet without Chinese fonts still
  shows glyphs, not boxes).
- **No open desk.** textual-serve has no sign-in of its own. The board and the kiosk show no
  staff screen and may be served on the station's network; the desk (staff screens, behind
  a PIN typed into a page anyone on the network could open) is served on a loopback address
  only, and refused on any other.
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from pathlib import Path

MODES = ("board", "kiosk", "desk")
# Fonts with Chinese glyphs a browser can use, the station machine's (Debian packages, then
# Windows and macOS); the first one found is served. [serve] font in station.toml wins.
WEB_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/msjh.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)
FONT_TYPES = {".ttc": "font/collection", ".ttf": "font/ttf", ".otf": "font/otf", ".woff2": "font/woff2",
              ".woff": "font/woff"}
# The face of a font collection for the station's language: Traditional glyph shapes for
# Taiwan (and English stations, which are in Taiwan by default), Simplified for the mainland.
REGIONS = {"zh_CN": ("SC", "CN"), "zh_TW": ("TC", "TW"), "en": ("TC", "TW")}


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to any address
        return False


def web_font(configured: str, locale: str) -> Path | None:
    """The CJK font file to send to browsers, ready for them: the configured font (refused if
    it is no font file) or the first one found; None if this machine has none.

    A browser takes one face, and rejects some files desktop systems read: wqy-zenhei and AR PL
    UMing fail Chromium's font check (misaligned tables), and of a collection (.ttc) it would
    take the first face, Noto CJK's Japanese one. So a collection's face for the station's
    region is written once as a font file of its own, in the cache, which also aligns its
    tables."""
    from deskapp.rules.errors import ConfigError

    if configured:
        path = Path(configured)
        if not path.is_file() or path.suffix.lower() not in FONT_TYPES:
            raise ConfigError("error.serve_font", path=configured)
    else:
        path = next((Path(p) for p in WEB_FONTS if Path(p).is_file()), None)
        if path is None:
            return None
    try:
        return _one_face(path, locale)
    except Exception:  # not a font fontTools reads: refused, with the file's name
        raise ConfigError("error.serve_font", path=str(path)) from None


def _one_face(path: Path, locale: str) -> Path:
    import os

    from fontTools.ttLib import TTCollection, TTFont
    from platformdirs import user_cache_dir

    stamp = path.stat()
    collection = path.suffix.lower() == ".ttc"
    fonts = TTCollection(str(path), lazy=True).fonts if collection else [TTFont(str(path), lazy=True)]
    wanted = REGIONS.get(locale, REGIONS["zh_TW"])
    names = [str(font["name"].getDebugName(1) or "") for font in fonts]
    index = next((i for i, name in enumerate(names) if name.split()[-1:] and name.split()[-1] in wanted
                  and "Mono" not in name), 0)
    face = fonts[index]
    suffix = ".otf" if face.sfntVersion == "OTTO" else ".ttf"
    cache = Path(user_cache_dir("deskapp", appauthor=False)) / "web-fonts"
    out = cache / f"{path.stem}-{index}-{int(stamp.st_mtime)}-{stamp.st_size}{suffix}"
    if not out.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        part = out.with_name(f"{out.name}.{os.getpid()}.part")
        face.save(str(part))
        os.replace(part, out)  # whole or not at all: two servers starting at once both succeed
    return out


def app_command(mode: str, db: Path, locale: str | None) -> str:
    """The command textual-serve runs for each browser: this deskapp, on this station file."""
    words = [sys.executable, "-m", "deskapp", "--db", str(Path(db).resolve())]
    if locale:
        words += ["--locale", locale]
    if mode == "board":
        words += ["board", "--no-speech"]  # the browser's TV is not where this machine's speaker is
    elif mode == "kiosk":
        words += ["kiosk", "--terminal", "WEB-KIOSK"]
    return shlex.join(words)


def make_server(mode: str, db: Path, *, host: str, port: int, locale: str | None, font: Path | None, tr, title: str):
    """A textual-serve Server for ``mode`` with the station's page and font (not started)."""
    import aiohttp_jinja2
    import textual_serve
    from aiohttp import web
    from textual_serve.server import Server

    page = {
        "cjk_font": f"cjk{font.suffix.lower()}" if font else "",
        "lang": {"zh_TW": "zh-Hant-TW", "zh_CN": "zh-Hans-CN"}.get(tr.locale, "en"),
        "session_ended": tr.t("serve.session_ended"),
        "restart": tr.t("serve.restart"),
        "start": tr.t("serve.start"),
    }

    class StationServer(Server):
        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            if font is not None:
                app.router.add_get(f"/station-font/{page['cjk_font']}", self.handle_font)
            app.router.add_get("/favicon.ico", self.handle_no_icon)
            return app

        async def handle_no_icon(self, request: web.Request) -> web.Response:
            return web.Response(status=204)  # no icon, and no "not found" in the browser's console

        async def handle_font(self, request: web.Request) -> web.FileResponse:
            response = web.FileResponse(font)
            response.content_type = FONT_TYPES[font.suffix.lower()]
            response.headers["Cache-Control"] = "max-age=86400"
            return response

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request: web.Request) -> dict:
            # The page's own URLs (websocket, static files) on the address the browser used:
            # served on 0.0.0.0, the page must not send a tablet to ws://0.0.0.0.
            self.public_url = f"{request.scheme}://{request.host}"
            context = await Server.handle_index.__wrapped__(self, request)
            context.update(page)
            return context

    return StationServer(
        app_command(mode, db, locale), host=host, port=port, title=title,
        statics_path=Path(textual_serve.__file__).parent / "static",
        templates_path=page_templates(),
    )


def page_templates() -> Path:
    """screens/web, installed as deskapp.screens (found without importing the screens)."""
    from importlib.util import find_spec

    return Path(find_spec("deskapp.screens").submodule_search_locations[0]) / "web"


def cmd_serve(args, tr) -> int:
    """``deskapp serve [board|kiosk|desk] [--host H] [--port N]`` until Ctrl+C."""
    from deskapp.cli.station import check_station_file, db_path
    from deskapp.rules.errors import ValidationError
    from deskapp.settings.data_files import load_station_data

    path = db_path(args)
    locale = getattr(args, "locale", None)
    data = load_station_data(path.parent, locale)
    config = data.config
    host = args.host if args.host is not None else config.serve_host
    port = args.port if args.port is not None else config.serve_port
    if not 1 <= port <= 65535:
        raise ValidationError("port", "error.range", low=1, high=65535, value=port)
    if args.mode == "desk" and not is_loopback(host):
        raise ValidationError("host", "error.serve_open_desk", host=host)
    check_station_file(path)
    font = web_font(config.serve_font, config.locale)
    from deskapp.settings.i18n import translator

    station_tr = translator(config.locale, str(path.parent))
    if font is None:
        print(station_tr.t("serve.no_cjk_font"), file=sys.stderr)
    title = f"{config.text('name', station_tr.locale)} · {station_tr.t(f'serve.title_{args.mode}')}"
    server = make_server(args.mode, path, host=host, port=port, locale=locale, font=font, tr=station_tr,
                         title=title)
    what = station_tr.t(f"serve.title_{args.mode}")
    shown = f"[{host}]" if ":" in host else host
    print(station_tr.t("serve.listening", what=what, url=f"http://{shown}:{port}/"), flush=True)
    server.serve()
    return 0
