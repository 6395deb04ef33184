"""Make graphviz's SVG self-contained: every icon embedded once as a data URI.

graphviz writes ``<image xlink:href="onprem/network/nginx.png" .../>`` for each icon, a
reference into the ``diagrams`` package on the machine that drew it. Each distinct icon
becomes one ``<symbol>`` holding the PNG as a base64 data URI, and every image a ``<use>``
of it, so a picture with sixty NGINX nodes carries the NGINX icon once.
"""

from __future__ import annotations

import base64
import re
import struct
from pathlib import Path

IMAGE = re.compile(
    r'<image xlink:href="(?P<href>[^"]+)" width="(?P<width>[^"]+)" height="(?P<height>[^"]+)"'
    r' preserveAspectRatio="(?P<aspect>[^"]+)" x="(?P<x>[^"]+)" y="(?P<y>[^"]+)"/>'
)
SVG_OPEN = re.compile(r"<svg\b[^>]*>")


class UnresolvedImage(Exception):
    """An image in the SVG is not one of the known icons."""


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG from its IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise UnresolvedImage("icon is not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def embed_icons(svg: str, resources: Path) -> str:
    """``svg`` with every icon reference replaced by a use of an embedded symbol."""
    symbols: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        href = match["href"]
        if href not in symbols:
            path = (resources / href).resolve()
            if resources.resolve() not in path.parents or not path.is_file():
                raise UnresolvedImage(f"SVG refers to an unknown image '{href}'")
            data = path.read_bytes()
            width, height = png_size(data)
            encoded = base64.b64encode(data).decode("ascii")
            symbol_id = f"icon{len(symbols) + 1}"
            symbols[href] = symbol_id
            definitions.append(
                f'<symbol id="{symbol_id}" viewBox="0 0 {width} {height}" '
                f'preserveAspectRatio="{match["aspect"]}">'
                f'<image width="{width}" height="{height}" '
                f'xlink:href="data:image/png;base64,{encoded}"/></symbol>'
            )
        return (
            f'<use xlink:href="#{symbols[href]}" x="{match["x"]}" y="{match["y"]}" '
            f'width="{match["width"]}" height="{match["height"]}"/>'
        )

    definitions: list[str] = []
    body = IMAGE.sub(replace, svg)
    if "<image " in body:
        raise UnresolvedImage("SVG holds an image graphviz wrote in an unexpected form")
    opening = SVG_OPEN.search(body)
    if opening is None:
        raise UnresolvedImage("graphviz output holds no <svg> element")
    if not definitions:
        return body
    defs = "\n<defs>\n" + "\n".join(definitions) + "\n</defs>"
    return body[: opening.end()] + defs + body[opening.end() :]


SIZE = re.compile(r'<svg width="(?P<width>[0-9.]+)pt" height="(?P<height>[0-9.]+)pt"')


def fit_to_window(svg: str) -> str:
    """``svg`` shrunk to the browser window when wider than it, never enlarged.

    graphviz sizes the drawing in points, so a browser shows a large picture wider than a
    laptop's screen with no way to fit it. A style on the root element (which browsers
    apply and image tools ignore, keeping the point size) caps its width at the window's
    and lets the height follow the view box.
    """
    return SIZE.sub(
        lambda m: (
            f'<svg style="max-width:100%;height:auto" width="{m["width"]}pt" '
            f'height="{m["height"]}pt"'
        ),
        svg,
        count=1,
    )
