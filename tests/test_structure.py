"""The architecture holds: one namespace, one exporter registry, imports along the pipeline."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tiered.exporters import registry
from tiered.exporters.base import KINDS, ExportOptions
from tiered.pipeline import Result, run
from tiered.rule_ids import KNOWN_RULE_IDS
from tiered.rules.catalogue import RULES

from .conftest import ROOT, run_tiered

PACKAGE = ROOT / "tiered"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def _sources(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*.py") if ".venv" not in p.parts)


def test_built_in_exporters_are_what_pyproject_registers() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    built_in = {key: entry.value for key, entry in registry.built_in().items()}
    assert built_in == project["project"]["entry-points"][registry.GROUP]
    assert len(built_in) >= 26 and "diff.text" in built_in


def test_without_tiereds_metadata_the_hint_says_to_reinstall(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "DISTRIBUTION", "tiered-not-installed-here")
    monkeypatch.setattr(registry, "entry_points", lambda group: [])
    registry.built_in.cache_clear()
    registry._entries.cache_clear()
    try:
        with pytest.raises(registry.UnknownExporter) as raised:
            registry.get("validate", "text")
        assert "reinstall tiered" in raised.value.hint
    finally:
        registry.built_in.cache_clear()
        registry._entries.cache_clear()


def test_the_formats_the_help_names_are_the_built_in_exporters() -> None:
    from tiered.cli.diagram import SUFFIXES
    from tiered.cli.formats import BUILT_IN_FORMATS

    for kind in KINDS:
        built_in = sorted(
            k.split(".", 1)[1] for k in registry.built_in() if k.startswith(f"{kind}.")
        )
        assert sorted(BUILT_IN_FORMATS[kind]) == built_in, kind
    assert set(SUFFIXES.values()) <= set(BUILT_IN_FORMATS["diagram"])


@pytest.mark.parametrize(
    ("command", "option", "kind"),
    [
        ("render", "name", "render"),
        ("validate", "output_format", "validate"),
        ("report", "output_format", "report"),
        ("plan", "output_format", "plan"),
        ("diagram", "output_format", "diagram"),
        ("diff", "output_format", "diff"),
        ("rules", "output_format", "rules"),
    ],
)
def test_each_command_names_its_formats_from_the_one_list(
    command: str, option: str, kind: str
) -> None:
    import typer.main

    from tiered.cli.formats import listed
    from tiered.cli.main import app

    group = typer.main.get_command(app)
    params = {p.name: p for p in group.commands[command].params}  # type: ignore[attr-defined]
    assert listed(kind) in (params[option].help or "")  # type: ignore[arg-type]


def test_every_exporter_loads_and_declares_its_kind_and_name() -> None:
    for key in registry.built_in():
        kind, name = key.split(".", 1)
        assert kind in KINDS
        exporter = registry.get(kind, name)  # type: ignore[arg-type]
        assert (exporter.kind, exporter.name) == (kind, name)
        assert exporter.description


def test_rule_ids_known_to_validation_are_the_catalogue() -> None:
    assert tuple(rule.id for rule in RULES) == KNOWN_RULE_IDS


def test_every_rule_module_is_published_and_every_published_id_has_its_module() -> None:
    modules = sorted(p.stem for p in (PACKAGE / "rules").glob("tr[0-9][0-9][0-9].py"))
    assert modules == sorted(rule_id.lower() for rule_id in KNOWN_RULE_IDS)
    for stem in modules:
        declared = ast.parse((PACKAGE / "rules" / f"{stem}.py").read_text(encoding="utf-8"))
        ids = [
            node.value.value
            for node in declared.body
            if isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == ["ID"]
            and isinstance(node.value, ast.Constant)
        ]
        assert ids == [stem.upper()], f"{stem}.py declares {ids}"


def test_a_rule_module_declaring_another_name_than_the_published_one_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import types

    from tiered.rules import catalogue

    renamed = types.ModuleType("tiered.rules.tr003")
    renamed.ID, renamed.NAME = "TR003", "quorum-lost"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tiered.rules.tr003", renamed)
    with pytest.raises(ImportError, match="published as 'quorum-lost-with-zone'"):
        catalogue._load("TR003")


def test_a_rule_module_declaring_another_id_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    from tiered.rules import catalogue

    stray = types.ModuleType("tiered.rules.tr999")
    stray.ID = "TR998"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tiered.rules.tr999", stray)
    with pytest.raises(ImportError, match="declares ID 'TR998', published as TR999"):
        catalogue._load("TR999")


def test_nothing_imports_a_top_level_renderers_package() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in _sources(ROOT / "renderers", PACKAGE, ROOT / "tests", ROOT / "benchmarks")
        if any(m == "renderers" or m.startswith("renderers.") for m in _imports(p))
    ]
    assert offenders == []


def test_only_the_command_line_picks_exporters_from_the_registry() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in _sources(ROOT / "renderers", PACKAGE)
        if "tiered.exporters.registry" in _imports(p)
        or ("tiered.exporters" in _imports(p) and "registry" in p.read_text(encoding="utf-8"))
    ]
    allowed = {"tiered/exporters/registry.py"}
    assert [o for o in offenders if o not in allowed and not o.startswith("tiered/cli/")] == []


def test_no_floor_below_the_exporters_reads_the_package_root() -> None:
    """``tiered/__init__`` is the facade over the floors up to the diff: a module of those
    floors that imports from it (its ``__version__``) climbs above what the facade names."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in _sources(PACKAGE)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and node.module == "tiered"
        and not node.level
        and any(alias.name == "__version__" for alias in node.names)
    ]
    assert [o for o in offenders if not o.startswith(("tiered/cli/", "tiered/renderers/"))] == []


def test_the_diff_is_computed_below_the_exporters() -> None:
    for path in _sources(PACKAGE / "changes"):
        upward = {
            m for m in _imports(path) if m.startswith(("tiered.exporters", "tiered.renderers"))
        }
        assert not upward, f"{path.relative_to(ROOT)} imports {upward}"


@pytest.mark.parametrize(
    ("stage", "never"),
    [
        ("loading", ("tiered.validation", "tiered.placement", "tiered.analysis", "tiered.rules")),
        ("validation", ("tiered.analysis", "tiered.rules", "tiered.renderers")),
        ("placement", ("tiered.analysis", "tiered.rules", "tiered.renderers")),
        ("analysis", ("tiered.rules", "tiered.renderers", "tiered.cli")),
        ("rules", ("tiered.renderers", "tiered.cli")),
    ],
)
def test_imports_follow_the_pipeline(stage: str, never: tuple[str, ...]) -> None:
    for path in _sources(PACKAGE / stage):
        backwards = {m for m in _imports(path) if m.startswith(never)}
        assert not backwards, f"{path.relative_to(ROOT)} imports {backwards}"


def test_validation_learns_rule_ids_without_importing_the_rules() -> None:
    code = (
        "import sys; import tiered.validation.checks; "
        "print(sorted(m for m in sys.modules if m.startswith('tiered.rules')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def test_exporters_share_one_analysis_per_result() -> None:
    result = run(str(ROOT / "topology.yaml"))
    findings = result.findings
    analysis = result.analysis
    for kind, name in [("render", "diagram"), ("report", "json"), ("report", "sarif")]:
        registry.get(kind, name).export(result, ExportOptions(variant="dot"))  # type: ignore[arg-type]
    assert result.findings is findings and result.analysis is analysis


def test_result_of_an_invalid_file_keeps_its_problems(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nname: x\n", encoding="utf-8")
    result = run(str(broken))
    assert not result.ok and result.plan is None and result.problems
    assert isinstance(result, Result)


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (("report", "--format", "markdwn"), "unknown report format 'markdwn'", "'markdown'"),
        (("plan", "--format", "tabel"), "unknown plan format 'tabel'", "'table'"),
        (("validate", "--format", "sarf"), "unknown validate format 'sarf'", "'sarif'"),
        (("render", "keepalivd"), "unknown renderer 'keepalivd'", "'keepalived'"),
    ],
)
def test_format_choices_come_from_the_registry(
    args: tuple[str, ...], message: str, hint: str
) -> None:
    result = run_tiered(*args)
    assert result.returncode == 2
    assert message in result.stderr and f"did you mean {hint}?" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("tiered report --format m", {"markdown", "mef"}),
        ("tiered plan --format ", {"table", "json"}),
        ("tiered render k", {"keepalived"}),
        ("tiered render a", {"all"}),
    ],
)
def test_shell_completion_offers_the_registered_exporters(words: str, expected: set[str]) -> None:
    script = Path(sys.executable).parent / "tiered"
    env = {
        **os.environ,
        "_TIERED_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }
    result = subprocess.run(
        [str(script)], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    assert set(result.stdout.split()) == expected


def _problem_codes_in_the_code() -> set[str]:
    """Every string literal passed as the code of a Problem where problems are made."""
    makers = {"add": 1, "_problem": 1, "_fail": 1, "_located": 4, "Problem": 1, "problem": 1}
    found: set[str] = set()
    folders = ("loading", "validation", "placement", "importers")
    for path in _sources(*(PACKAGE / folder for folder in folders)):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            at = makers.get(name)
            if at is not None and len(node.args) > at:
                arg = node.args[at]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found


def test_every_problem_code_has_a_stable_id() -> None:
    from tiered.problems import PROBLEM_CODES

    in_code = _problem_codes_in_the_code()
    assert len(in_code) > 45  # the scan sees the problem makers
    assert in_code - set(PROBLEM_CODES) == set()
    ids = [p.id for p in PROBLEM_CODES.values()]
    assert len(set(ids)) == len(ids) and all(i[0] == "E" and len(i) == 5 for i in ids)


def test_explain_lists_and_explains_problem_codes() -> None:
    listing = run_tiered("explain")
    assert listing.returncode == 0
    assert "TR003" in listing.stdout and "E0111  duplicate-key" in listing.stdout
    by_id = run_tiered("explain", "E0111")
    by_code = run_tiered("explain", "duplicate-key")
    assert by_id.stdout == by_code.stdout and "E0111 duplicate-key:" in by_id.stdout


def test_docs_rules_md_is_current() -> None:
    from tiered.rules.docs import rules_markdown

    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == rules_markdown(), "docs/rules.md is stale: run `make docs`"
    for rule in RULES:
        assert f"## {rule.id} {rule.name}" in current
