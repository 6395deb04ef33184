"""The report's colourless tables drawn without rich are byte for byte what rich draws."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich import box
from rich.console import Console
from rich.table import Table

from tiered.renderers.report.simple_table import plain_line, simple_head

#: Letters, spaces, newlines, the report's own symbols, wide (two-column) characters,
#: markup and emoji codes.
_PIECES = st.sampled_from(
    [
        "a",
        "b",
        "Z",
        "0",
        "-",
        ",",
        " ",
        "\n",
        "—",
        "→",
        "←",
        "…",
        "é",
        "界",
        "ｗ",
        ":",
        "[",
        "]",
        "[red]",
        "[/red]",
        ":smile:",
        "x:y:z",
        "\t",
        "\r",
    ]
)
_CELL = st.lists(_PIECES, max_size=8).map("".join)


def _rich(title: str, headers: list[str], rows: list[list[str]], width: int) -> str:
    """What the report printed before: rich's own table."""
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=0, pad_edge=False)
    for i, header in enumerate(headers):
        table.add_column(header, no_wrap=i % 2 == 0, ratio=2 if i == 1 else 1)
    for row in rows:
        table.add_row(*row)
    with console.capture() as captured:
        console.print(table)
    return "".join(line.rstrip() + "\n" for line in captured.get().splitlines())


@settings(max_examples=300, deadline=None)
@given(
    title=st.sampled_from(["Services", "Single failures", "[b]x[/b]", "a very long title here"]),
    columns=st.integers(1, 5),
    data=st.data(),
    width=st.integers(5, 120),
)
def test_same_as_rich(title: str, columns: int, data: st.DataObject, width: int) -> None:
    headers = data.draw(st.lists(_CELL, min_size=columns, max_size=columns))
    rows = data.draw(st.lists(st.lists(_CELL, min_size=columns, max_size=columns), max_size=6))
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    try:
        expected = _rich(title, headers, rows, width)
    except Exception as error:  # rich refuses the markup: so must the layout
        try:
            drawn = simple_head(console, title, headers, rows, width)
        except type(error):
            return
        assert drawn is None, "rich refused this table, the layout drew it"
        return
    drawn = simple_head(console, title, headers, rows, width)
    if drawn is not None:
        assert drawn == expected


def test_report_shaped_table() -> None:
    """Multi-line cells, a bottom-aligned header, a wide rule, an empty cell, markup."""
    headers = ["service", "replicas\nper zone", "margin"]
    rows = [["web", "a: 2\nb: 2", "[red]-1[/red]"], ["db → x", "", "0"]]
    console = Console(file=io.StringIO(), width=80, color_system=None, highlight=False)
    drawn = simple_head(console, "Services", headers, rows, 80)
    assert drawn == _rich("Services", headers, rows, 80)
    assert drawn == (
        "Services\n"
        "\n"
        "         replicas\n"
        " service per zone margin\n"
        " ───────────────────────\n"
        " web     a: 2     -1\n"
        "         b: 2\n"
        " db → x           0\n"
        "\n"
    )


def test_too_wide_is_left_to_rich() -> None:
    console = Console(file=io.StringIO(), width=10, color_system=None, highlight=False)
    assert simple_head(console, "T", ["name"], [["a-long-cell-text"]], 10) is None


@settings(max_examples=200, deadline=None)
@given(text=_CELL, color=st.booleans())
def test_plain_line_as_rich_prints_it(text: str, color: bool) -> None:
    """A sentence written straight to the report is what rich's print wrote, on a colour
    terminal or not."""
    console = Console(
        file=io.StringIO(),
        width=20,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
    )
    with console.capture() as captured:
        console.print(text, markup=False, soft_wrap=True)
    shown = plain_line(console, text)
    if shown is not None:
        assert shown + "\n" == captured.get()


def test_plain_line_replaces_emoji_codes_keeps_positions() -> None:
    console = Console(file=io.StringIO(), color_system=None)
    assert plain_line(console, "  a.yaml:12:3: R1 warning :thumbs_up:") == (
        "  a.yaml:12:3: R1 warning \N{THUMBS UP SIGN}"
    )
    assert plain_line(console, "tab\there") is None
