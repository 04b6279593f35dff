"""Sanitising what a pull request can put into the site: page bodies' HTML and cached diagram SVG.

Both go through nh3 (the Rust ammonia sanitiser) with an allow-list: the elements and attributes that
Markdown, its extensions, mkdocs-material and Graphviz produce, and nothing that runs script (no
``<script>``, no ``on*`` attributes, no ``javascript:`` URLs).
"""

from __future__ import annotations

import nh3

# What Python-Markdown and the extensions a handbook uses (admonition, attr_list, md_in_html, tables, toc,
# footnotes, pymdownx details/superfences/highlight/tasklist/tabbed, abbr, def_list) write.
_PAGE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "u", "ul", "var", "wbr",
    "svg", "g", "path",  # icons and emoji inlined by pymdownx.emoji
}  # fmt: skip
_PAGE_ATTRIBUTES = {
    "*": {
        "class",
        "id",
        "title",
        "lang",
        "dir",
        "role",
        "aria-label",
        "aria-hidden",
        "tabindex",
        "style",
        "data-tabs",
    },  # fmt: skip
    "a": {"href", "name", "target"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "checked", "disabled", "name"},
    "label": {"for"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "type"},
    "details": {"open"},
    "time": {"datetime"},
    "col": {"span"},
    "svg": {"viewbox", "viewBox", "width", "height", "fill"},
    "path": {"d", "fill", "fill-rule", "clip-rule"},
}
_STYLE_PROPERTIES = {"text-align", "width", "height", "color", "background-color"}

# What `dot -Tsvg` writes (plus the title and label journeysite adds).
_SVG_TAGS = {
    "svg", "g", "title", "desc", "a", "path", "polygon", "polyline", "ellipse", "circle", "rect", "line",
    "text", "tspan", "defs", "lineargradient", "radialgradient", "stop", "image",
}  # fmt: skip
_SVG_ATTRIBUTES = {
    "*": {
        "id", "class", "transform", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray",
        "stroke-opacity", "stroke-linecap", "stroke-linejoin", "opacity", "style",
    },
    "svg": {"width", "height", "viewbox", "viewBox", "role", "aria-label", "preserveaspectratio"},
    "a": {"href", "title", "target"},  # xlink:href and xlink:title, by their local names
    "path": {"d"},
    "polygon": {"points"},
    "polyline": {"points"},
    "ellipse": {"cx", "cy", "rx", "ry"},
    "circle": {"cx", "cy", "r"},
    "rect": {"x", "y", "width", "height", "rx", "ry"},
    "line": {"x1", "y1", "x2", "y2"},
    "text": {"x", "y", "text-anchor", "font-family", "font-size", "font-weight", "font-style", "dx", "dy"},
    "tspan": {"x", "y", "dx", "dy", "font-family", "font-size", "font-weight", "font-style"},
    "stop": {"offset", "stop-color", "stop-opacity"},
    "lineargradient": {"x1", "y1", "x2", "y2", "gradientunits"},
    "radialgradient": {"cx", "cy", "r", "fx", "fy", "gradientunits"},
    "image": {"x", "y", "width", "height", "href", "preserveaspectratio"},
}  # fmt: skip
_SVG_STYLE_PROPERTIES = {
    "fill",
    "stroke",
    "stroke-width",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
}
_SCHEMES = {"http", "https", "mailto", "tel"}


def page_html(html: str) -> str:
    """A page's HTML with only the allowed elements and attributes left. Of the ``data-*`` attributes
    only journeysite's placeholders and pymdownx tabs' ``data-tabs`` stay: mkdocs-material's scripts act
    on others (``data-copy`` would make the copy button copy something else than the code shown)."""
    return nh3.clean(
        html,
        tags=_PAGE_TAGS,
        attributes=_PAGE_ATTRIBUTES,
        generic_attribute_prefixes={"data-jsite-"},
        url_schemes=_SCHEMES,
        link_rel=None,
        strip_comments=True,
        filter_style_properties=_STYLE_PROPERTIES,
    )


def diagram_svg(svg: str) -> str:
    """An SVG (from ``dot`` or from the cache, which a pull request's CI run could have written) with only
    the allowed drawing elements and attributes left: no script, no event handler, no foreign object."""
    return nh3.clean(
        svg,
        tags=_SVG_TAGS,
        attributes=_SVG_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel=None,
        strip_comments=True,
        filter_style_properties=_SVG_STYLE_PROPERTIES,
    )
