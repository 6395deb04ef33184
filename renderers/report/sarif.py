"""Findings as SARIF 2.1.0, with rule metadata and help, for GitHub code scanning and IDEs.

Accepted findings carry an in-source suppression with the accept reason, so code scanning
shows them as dismissed rather than open.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from tiered import __version__
from tiered.findings import Finding, Problem
from tiered.rules.catalogue import RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning"}


def _uri(file: str) -> str:
    path = PurePosixPath(file.replace("\\", "/"))
    if path.is_absolute():
        return path.as_uri()
    return str(path)


def _rule(index: int) -> dict[str, Any]:
    rule = RULES[index]
    doc = rule.doc.strip()
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": doc},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
        "properties": {"tags": ["resilience", "availability"]},
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": LEVELS[finding.severity.value],
        "message": {
            "text": f"{finding.service or 'topology'}: {finding.message}. Fix: {finding.fix}"
        },
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(finding.location.file)},
                    "region": {
                        "startLine": finding.location.line,
                        "startColumn": finding.location.column,
                    },
                }
            }
        ],
        "partialFingerprints": {
            "tieredFinding/v1": f"{finding.rule}:{finding.service or '-'}",
        },
        "properties": {
            "service": finding.service,
            "zones": list(finding.zones),
            "fix": finding.fix,
        },
    }
    if finding.accepted:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.accept_reason}]
    return result


def _notification(problem: Problem) -> dict[str, Any]:
    """A problem that stopped the run, as a SARIF tool execution notification."""
    text = f"{problem.message} — {problem.hint}" if problem.hint else problem.message
    return {
        "level": "error",
        "descriptor": {"id": problem.code},
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(problem.location.file)},
                    "region": {
                        "startLine": max(problem.location.line, 1),
                        "startColumn": max(problem.location.column, 1),
                    },
                }
            }
        ],
    }


def sarif(findings: list[Finding], problems: list[Problem] | None = None) -> str:
    """A SARIF log of one run of tiered over the given findings; ``problems`` (a file that
    is invalid, exit 2) become an unsuccessful invocation with located notifications."""
    index = {rule.id: i for i, rule in enumerate(RULES)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "tiered",
                "version": __version__,
                "rules": [_rule(i) for i in range(len(RULES))],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index) for f in findings],
    }
    if problems:
        run["invocations"] = [
            {
                "executionSuccessful": False,
                "toolExecutionNotifications": [_notification(p) for p in problems],
            }
        ]
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, sort_keys=True) + "\n"
