"""The report formats as exporters: ``tiered report --format NAME``.

Each reads the Result's analysis and findings (computed once, lazily) and returns one
document; text, markdown, html and json render the same report data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiered.exporters.base import DocumentExporter, ExportOptions

if TYPE_CHECKING:
    from tiered.pipeline import Result


class TextReport(DocumentExporter["Result"]):
    name, kind, filename = "text", "report", "report.txt"
    description = "for a terminal"

    def document(self, result: Result, options: ExportOptions) -> str:
        from tiered.renderers.report.report_data import report_data
        from tiered.renderers.report.text import text

        width = options.extra.get("width")  # None: unwrapped (a pipe or a file)
        return text(report_data(result), color=options.color, width=width)


class MarkdownReport(DocumentExporter["Result"]):
    name, kind, filename = "markdown", "report", "report.md"
    description = "for a pull request or a wiki"

    def document(self, result: Result, options: ExportOptions) -> str:
        from tiered.renderers.report.markdown import markdown
        from tiered.renderers.report.report_data import report_data

        return markdown(report_data(result))


class HtmlReport(DocumentExporter["Result"]):
    name, kind, filename = "html", "report", "report.html"
    description = "self-contained page with its own architecture diagram (or a given SVG)"

    def document(self, result: Result, options: ExportOptions) -> str:
        from tiered.renderers.report.html import html
        from tiered.renderers.report.report_data import report_data
        from tiered.renderers.report.report_diagram import report_diagram

        given = options.extra.get("diagram_svg")
        svg, note = (given, "") if given else report_diagram(result)
        return html(report_data(result), svg, note)


class JsonReport(DocumentExporter["Result"]):
    name, kind, filename = "json", "report", "report.json"
    description = "the report data, for tools and dashboards"

    def document(self, result: Result, options: ExportOptions) -> str:
        from tiered.renderers.report.json_report import json_report
        from tiered.renderers.report.report_data import report_data

        return json_report(report_data(result))


class SarifReport(DocumentExporter["Result"]):
    name, kind, filename = "sarif", "report", "report.sarif"
    description = "the findings as SARIF 2.1.0, for code scanning"

    def document(self, result: Result, options: ExportOptions) -> str:
        from tiered.renderers.report.sarif import sarif

        return sarif(result.findings)


class MefReport(DocumentExporter["Result"]):
    name, kind, filename = "mef", "report", "fault-tree.xml"
    description = "Open-PSA fault tree, for SCRAM and other PSA tools"

    def document(self, result: Result, options: ExportOptions) -> str:
        from tiered.renderers.report.mef import mef

        return mef(result.analysis)
