"""The redundancy review as one self-contained HTML page: inline CSS, no scripts, phone-friendly.

An SVG architecture diagram is embedded inline (its XML prologue dropped) across the whole
window at its own size, its labels as large as the text's, scrolling sideways when wider
than the window; a switch (CSS only) fits it to the window instead. When it could not be
drawn, a note says why. Text quoted in backquotes (settings, commands) is set as code.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from tiered.renderers.report.words import (
    FAILOVER_ASSUMED_INTRO,
    SERVICE_COLUMNS,
    assumption_rows,
    cut_sets_sentence,
    down_text,
    failover_assumptions,
    how_to_test_intro,
    network_assumptions,
    pairs_sentence,
    service_cells,
    verdict,
)

if TYPE_CHECKING:
    from tiered.renderers.report.report_data import Report


CSS = """
:root{--ink:#1d2330;--muted:#5b6475;--line:#d9dee8;--bad:#b42318;--warn:#b54708;--ok:#067647;
--bg:#fff;--soft:#f5f7fa}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
background:var(--bg)}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid var(--line)}
.meta{color:var(--muted);font-size:.9rem}
.verdict{background:var(--soft);border-left:4px solid var(--ink);padding:.5rem 1rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--soft)}
.down{color:var(--bad);font-weight:600}.up{color:var(--ok)}
.finding{border:1px solid var(--line);border-radius:.4rem;padding:.5rem .8rem;margin:.6rem 0}
.error{border-left:4px solid var(--bad)}.warning{border-left:4px solid var(--warn)}
.accepted{opacity:.75}
code{background:var(--soft);padding:0 .2rem;border-radius:.2rem;word-break:break-word}
.wide{width:100vw;margin-left:calc(50% - 50vw);padding:0 1rem}
.wide h2,.wide .switch{max-width:58rem;margin-left:auto;margin-right:auto}
.switch{color:var(--muted);font-size:.9rem}
.diagram{overflow:auto;-webkit-overflow-scrolling:touch;border:1px solid var(--line)}
.diagram svg{display:block;margin:0 auto;max-width:none!important;height:auto!important}
.wide:has(#fit:checked) .diagram svg{width:100%;max-width:100%!important}
@media (max-width:40rem){body{font-size:15px}th,td{padding:.3rem}}
"""


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>\n" for row in rows)
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{body}</tbody></table></div>\n"
    )


def _svg(svg: str) -> str:
    """Inline SVG without its XML declaration and doctype."""
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg, flags=re.IGNORECASE)
    return svg.strip()


_QUOTED = re.compile(r"`([^`]+)`")


def _text(text: str) -> str:
    """``text`` escaped for HTML, its backquoted spans (settings, commands) set as code."""
    return _QUOTED.sub(r"<code>\1</code>", escape(text))


def _diagram(svg: str) -> str:
    """The diagram section: the whole window wide, at the drawing's own size, with a switch
    that fits it to the window."""
    return (
        '<section class="wide">\n<h2>Architecture</h2>\n'
        '<p class="switch"><input type="checkbox" id="fit"> '
        '<label for="fit">fit the diagram to the window</label></p>\n'
        f'<div class="diagram">{_svg(svg)}</div>\n</section>\n'
    )


def html(data: Report, diagram_svg: str | None = None, diagram_note: str = "") -> str:
    t = data["topology"]
    e = escape
    where = f"{t['provider']} {t['region']}" if t["region"] else t["provider"]
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>Redundancy review: {e(t['name'])}</title>\n<style>{CSS}</style>\n</head>\n",
        "<body>\n<main>\n",
        f"<h1>Redundancy review: {e(t['name'])}</h1>\n",
    ]
    if t["description"]:
        parts.append(f"<p>{e(t['description'])}</p>\n")
    parts.append(
        f'<p class="meta"><code>{e(data["file"])}</code> · {e(where)} · zones '
        f"{e(', '.join(t['zones']))} · {t['services']} services, {t['instances']} instances</p>\n"
    )
    parts.append('<section class="verdict"><ul>\n')
    parts += [f"<li>{_text(line)}</li>\n" for line in verdict(data)]
    parts.append("</ul></section>\n")
    if network_assumptions(data):
        parts.append("<h2>Network assumptions</h2>\n<ul>\n")
        parts += [f"<li>{_text(line)}</li>\n" for line in network_assumptions(data)]
        parts.append("</ul>\n")
    if diagram_svg:
        parts.append(_diagram(diagram_svg))
    elif diagram_note:
        parts.append(f'<h2>Architecture</h2>\n<p class="meta">Not drawn: {e(diagram_note)}</p>\n')
    parts.append("<h2>Services</h2>\n")
    rows = []
    for s in data["services"]:
        *cells, margin = (e(cell) for cell in service_cells(s))
        state = "down" if s["margin"] < 0 else "up"
        rows.append([*cells, f'<span class="{state}">{margin}</span>'])
    parts.append(_table(list(SERVICE_COLUMNS), rows))
    parts.append("<h2>Single failures</h2>\n")
    parts.append(
        _table(
            ["failure", "system", "down (← through)", "root cause"],
            [
                [
                    e(s["failed"]),
                    '<span class="down">DOWN</span>'
                    if s["system_down"]
                    else '<span class="up">up</span>',
                    e(down_text(s)),
                    e(", ".join(s["root_causes"]) or "—"),
                ]
                for s in data["scenarios"]
            ],
        )
    )
    how = data["how_to_test"]
    if how:
        parts.append(f"<h2>How to test this</h2>\n<p>{_text(how_to_test_intro(how))}</p>\n")
        parts.append(
            _table(
                ["prediction", "experiment", "command"],
                [
                    [
                        e(f"{x['tests']}: {x['expected']}"),
                        e(x["experiment"]),
                        f"<code>{e(x['command'])}</code>",
                    ]
                    for x in how["experiments"]
                ],
            )
        )
    if data["depth"] >= 2:
        pairs = data["pairs"]
        parts.append("<h2>Double failures</h2>\n")
        parts.append(f"<p>{_text(pairs_sentence(pairs))}</p>\n")
        if pairs["listed"]:
            parts.append(
                _table(
                    ["failures", "newly down"],
                    [[e(p["title"]), e(", ".join(p["newly_down"]))] for p in pairs["listed"]],
                )
            )
    parts.append("<h2>Findings</h2>\n")
    if not data["findings"]:
        parts.append("<p>No findings.</p>\n")
    for f in data["findings"]:
        accepted = " accepted" if f["accepted"] else ""
        state = " (accepted)" if f["accepted"] else ""
        parts.append(
            f'<div class="finding {e(f["severity"])}{accepted}">'
            f"<strong>{e(f['rule'])} {e(f['severity'])}{state}</strong> — "
            f"{e(f['service'] or 'topology')} "
            f"<code>{e(f['file'])}:{f['line']}:{f['column']}</code>"
            f"<p>{_text(f['message'])}</p><p><strong>Fix:</strong> {_text(f['fix'])}</p>"
            + (f"<p><strong>Accepted:</strong> {_text(f['accept_reason'])}</p>" if accepted else "")
            + "</div>\n"
        )
    ft = data["fault_tolerance"]
    parts.append("<h2>Fault tolerance</h2>\n")
    if ft["order"] is None:
        parts.append("<p>No set of domain failures takes the system down.</p>\n")
    else:
        parts.append(
            f"<p><strong>{ft['order']}</strong>: the fewest simultaneous failures (zones, "
            "instances, managed services) that take the system down; one such set: "
            f"{e(', '.join(ft['example']))}.</p>\n"
        )
        if ft["smallest_cut_sets"]:
            parts.append(
                f"<p>{_text(cut_sets_sentence(ft))}</p>\n<ul>\n"
                + "".join(f"<li>{e(', '.join(c))}</li>\n" for c in ft["smallest_cut_sets"])
                + "</ul>\n"
            )
    a = data["availability"]
    parts.append("<h2>Availability</h2>\n")
    parts.append(
        "<p>Exact over every combination of zone states, replicas binomial within them; "
        "the services the entry tier needs must all be up.</p>\n"
    )
    parts.append(
        _table(["assumed availability", "value"], [[e(k), e(v)] for k, v in assumption_rows(data)])
    )
    if failover_assumptions(data):
        parts.append(f"<p>{_text(FAILOVER_ASSUMED_INTRO)}</p>\n<ul>\n")
        parts += [f"<li>{_text(line)}</li>\n" for line in failover_assumptions(data)]
        parts.append("</ul>\n")
    if a["availability"] is None:
        parts.append(f"<p>{_text(a['note'])}</p>\n")
    else:
        parts.append(
            f"<p><strong>{a['availability'] * 100:.5f}%</strong>, expected downtime "
            f"{a['downtime_minutes_per_year']:.1f} minutes per year.</p>\n"
        )
    parts.append("</main>\n</body>\n</html>\n")
    return "".join(parts)
