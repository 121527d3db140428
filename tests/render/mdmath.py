"""Math in Markdown as GitHub sees it, and a driver for the TeX engines of check_tex.mjs.

Test tooling for tests/test_tex_render.py (not part of dlverify). `extract(text, file)` finds the
formulas GitHub would hand to MathJax and the places where the Markdown itself breaks a formula
before MathJax sees it:

* display math: `$$...$$`, on one line or across lines of one paragraph, and fenced ```math blocks;
* inline math: `$...$` (the opening `$` not followed by a space, the closing one not preceded by
  one) and `` $`...`$ ``;
* skipped: fenced code blocks of any other language, indented code blocks, inline code spans,
  backslash-escaped `\\$`;
* tables: GitHub splits a row into cells at every `|` not escaped as `\\|`, before it looks for
  math, so an unescaped `|` inside a formula in a table row cuts the formula in two, and `\\|` (a
  norm in TeX) reaches MathJax as a plain `|`. Both are reported.
* an opening `$`/`$$` without its closing one in the same paragraph (a blank line, or a line that
  starts a list item, heading, quote or rule, ends a paragraph) is reported.

`check(maths)` runs check_tex.mjs (MathJax 3, KaTeX and GitHub's refused macros) on the formulas;
`ensure_engines()` finds node and installs tests/render/node_modules with `npm ci` when they are
missing. As a script, `python tests/render/mdmath.py [FILE_OR_FOLDER ...]` (default: reports/)
prints every problem as `file:line: engine: message` and exits 1 when there is any.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

RENDER_DIR = Path(__file__).resolve().parent
CHECKER = RENDER_DIR / "check_tex.mjs"
NODE_MODULES = RENDER_DIR / "node_modules"
REQUIRED_MODULES = ("mathjax-full", "katex")


@dataclass(frozen=True)
class Math:
    """One formula as GitHub would pass it to MathJax; `line` is where its TeX starts (1-based)."""
    file: str
    line: int
    display: bool
    tex: str
    delimiter: str  # "$$", "$", "$`", "```math"
    in_table: bool = False


@dataclass(frozen=True)
class Problem:
    """A failure: the Markdown breaks the formula ("markdown"), or an engine rejects it."""
    file: str
    line: int
    engine: str  # "markdown", "github", "mathjax", "katex"
    message: str
    tex: str
    kind: str = ""  # for "markdown": unclosed-display, unclosed-inline, interrupted, table-pipe, table-norm,
    #                 html-lt, glued, unclosed-fence; for the engines, the engine's name

    def text(self, width: int = 200) -> str:
        shown = self.tex if len(self.tex) <= width else self.tex[:width] + "..."
        return f"{self.file}:{self.line}: {self.engine}: {self.message}\n    formula: {shown}"


# ---------------------------------------------------------------------------------------------
# Block structure (the part of CommonMark/GFM that decides where a paragraph ends)

FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
BLOCKQUOTE = re.compile(r"^ {0,3}>")
BULLET_ITEM = re.compile(r"^ {0,3}[-+*][ \t]+\S")
ORDERED_ITEM = re.compile(r"^ {0,3}\d{1,9}[.)][ \t]+\S")
ORDERED_ONE = re.compile(r"^ {0,3}0*1[.)][ \t]+\S")  # only a list starting at 1 interrupts a paragraph
DELIMITER_CELL = re.compile(r"^[ \t]*:?-+:?[ \t]*$")


def _blank(line: str) -> bool:
    return not line.strip()


def _indented(line: str) -> bool:
    return line.startswith("    ") or line.startswith("\t")


def _interrupts(line: str) -> str | None:
    """What the line starts when it ends a paragraph, or None when it continues it."""
    if ATX_HEADING.match(line):
        return "a heading ('#')"
    if SETEXT_UNDERLINE.match(line):
        return "a setext heading underline ('=' or '-' alone on the line)"
    if THEMATIC_BREAK.match(line):
        return "a horizontal rule"
    if BLOCKQUOTE.match(line):
        return "a block quote ('>')"
    if BULLET_ITEM.match(line):
        return f"a list item ('{line.strip()[0]} ')"
    if ORDERED_ONE.match(line):
        return "a numbered list item ('1. ')"
    if FENCE.match(line) and not (FENCE.match(line).group(2)[0] == "`" and "`" in FENCE.match(line).group(3)):
        return "a fenced code block"
    return None


def split_cells(row: str) -> list[str]:
    """The cells of a GFM table row: split at every `|` that is not escaped (`\\|`; a `\\\\`
    pair is an escaped backslash, so the `|` after it does split)."""
    text = row.strip()
    cells, current, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        if ch == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    cells.append("".join(current))
    if text.startswith("|"):
        cells = cells[1:]
    if len(cells) > 1 and _ends_with_unescaped_pipe(text):
        cells = cells[:-1]
    return [c.strip() for c in cells]


def _ends_with_unescaped_pipe(text: str) -> bool:
    if not text.endswith("|"):
        return False
    backslashes = len(text[:-1]) - len(text[:-1].rstrip("\\"))
    return backslashes % 2 == 0


def _is_table_start(lines: list[str], i: int) -> bool:
    if i + 1 >= len(lines) or "|" not in lines[i] or _indented(lines[i]):
        return False
    delim = lines[i + 1]
    if "|" not in delim and "-" not in delim:
        return False
    cells = split_cells(delim)
    if not cells or not all(DELIMITER_CELL.match(c) for c in cells):
        return False
    return len(split_cells(lines[i])) == len(cells)


# ---------------------------------------------------------------------------------------------
# Inline scanning (code spans, math spans)

@dataclass
class _Block:
    """Consecutive lines whose inline content is scanned as one (a paragraph, a heading, a
    table row); `ended_by` says why the block ended, for the message about an unclosed `$$`."""
    lines: list[tuple[int, str]]
    table_row: bool = False
    ended_by: str = "the end of the file"


def _backtick_run(text: str, i: int) -> int:
    j = i
    while j < len(text) and text[j] == "`":
        j += 1
    return j - i


def _find_backtick_run(text: str, start: int, length: int) -> int:
    """Index of the next run of exactly `length` backticks at or after `start`, or -1."""
    i = start
    while i < len(text):
        if text[i] == "`":
            run = _backtick_run(text, i)
            if run == length:
                return i
            i += run
        else:
            i += 1
    return -1


def _find_closing(text: str, start: int, closer: str, *, no_space_before: bool = False) -> int:
    """Index of the next `closer` at or after `start`, skipping TeX's backslash pairs (`\\$`,
    `\\\\`); with no_space_before a `$` right after whitespace does not close."""
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if text.startswith(closer, i):
            if closer == "$" and text.startswith("$$", i):
                return -1 if i == start else i  # `$a$$`: leave it to the caller's error
            if not (no_space_before and (i == start or text[i - 1].isspace())):
                return i
        i += 1
    return -1


def _code_span_content(raw: str) -> str:
    text = raw.replace("\n", " ")
    if len(text) >= 2 and text[0] == " " and text[-1] == " " and text.strip():
        text = text[1:-1]
    return text


def _scan(block: _Block, file: str) -> tuple[list[Math], list[Problem]]:
    text = "\n".join(line for _, line in block.lines)
    starts, pos = [], 0
    for number, line in block.lines:
        starts.append((pos, number))
        pos += len(line) + 1

    def line_of(offset: int) -> int:
        number = block.lines[0][0]
        for start, n in starts:
            if start <= offset:
                number = n
        return number

    def first_content(a: int, b: int) -> int:
        while a < b and text[a].isspace():
            a += 1
        return a

    maths: list[Math] = []
    problems: list[Problem] = []

    def add_math(opener: int, a: int, b: int, display: bool, delimiter: str, tex: str | None = None):
        raw = text[a:b]
        content = raw.strip() if tex is None else tex
        line = line_of(first_content(a, b))
        before = text[opener - 1] if opener > 0 else " "
        if before.isalnum() or before == "-":
            problems.append(Problem(file, line_of(opener), "markdown",
                                    f"the opening '{delimiter}' directly follows '{before}': GitHub does not render "
                                    "math glued to a preceding letter, digit or '-' (put a space before it)",
                                    content, "glued"))
        if delimiter in ("$", "$$") and re.search(r"<[A-Za-z/!?]", raw):
            problems.append(Problem(file, line, "markdown",
                                    "'<' directly followed by a letter, '/', '!' or '?' inside $-math: GitHub's "
                                    "Markdown reads it as the start of an HTML tag and the formula does not render "
                                    "(put a space after '<', write \\lt, or use the $`...`$ form)", content, "html-lt"))
        if block.table_row:
            pipes = _unescaped_pipes(raw)
            if pipes:
                problems.append(Problem(file, line, "markdown",
                                        "an unescaped '|' inside math in a table row: GitHub splits the table cell "
                                        "there, so the formula is cut in two and shown as text (write \\vert, "
                                        "\\lvert/\\rvert or \\mid, or escape it as \\|)", content, "table-pipe"))
            if "\\|" in raw:
                problems.append(Problem(file, line, "markdown",
                                        "'\\|' inside math in a table row: GitHub reads it as an escaped cell "
                                        "separator and hands MathJax a plain '|', so a norm loses its double bar "
                                        "(write \\Vert)", content, "table-norm"))
            content = content.replace("\\|", "|")
        maths.append(Math(file, line, display, content, delimiter, block.table_row))

    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            run = _backtick_run(text, i)
            close = _find_backtick_run(text, i + run, run)
            i = close + run if close >= 0 else i + run
            continue
        if ch != "$":
            i += 1
            continue
        if text.startswith("$`", i):  # $`...`$
            run = _backtick_run(text, i + 1)
            close = _find_backtick_run(text, i + 1 + run, run)
            while close >= 0 and not text.startswith("$", close + run):
                close = _find_backtick_run(text, close + run, run)
            if close >= 0:
                add_math(i, i + 1 + run, close, False, "$`", _code_span_content(text[i + 1 + run:close]))
                i = close + run + 1
                continue
            # no `$ to close it: a `$` before an ordinary code span
        if text.startswith("$$", i):
            close = _find_closing(text, i + 2, "$$")
            if close >= 0:
                add_math(i, i + 2, close, True, "$$")
                i = close + 2
                continue
            problems.append(Problem(file, line_of(i), "markdown",
                                    f"'$$' opens display math that is never closed in its paragraph (the paragraph "
                                    f"ends at {block.ended_by}), so GitHub shows the TeX as text",
                                    text[i + 2:].strip()[:400], "unclosed-display"))
            i += 2
            continue
        if i + 1 < n and not text[i + 1].isspace():
            close = _find_closing(text, i + 1, "$", no_space_before=True)
            if close >= 0:
                add_math(i, i + 1, close, False, "$")
                i = close + 1
                continue
            problems.append(Problem(file, line_of(i), "markdown",
                                    "'$' opens inline math that is never closed in its paragraph (escape a literal "
                                    "dollar as \\$), so GitHub shows the TeX as text", text[i + 1:].split("\n")[0][:400],
                                    "unclosed-inline"))
        i += 1
    return maths, problems


def _unescaped_pipes(raw: str) -> int:
    count, i = 0, 0
    while i < len(raw):
        if raw[i] == "\\":
            i += 2
            continue
        count += raw[i] == "|"
        i += 1
    return count


# ---------------------------------------------------------------------------------------------
# The document

def extract(text: str, file: str = "<text>") -> tuple[list[Math], list[Problem]]:
    """Every formula of the Markdown `text` GitHub would render, and the Markdown-level problems."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    maths: list[Math] = []
    problems: list[Problem] = []
    blocks: list[_Block] = []
    in_list = False  # the last block was a list item: an indented line continues it, it is not code
    i = 0
    while i < len(lines):
        line = lines[i]
        if _blank(line):
            i += 1
            continue
        fence = FENCE.match(line)
        if fence and not (fence.group(2)[0] == "`" and "`" in fence.group(3)):
            indent, marker, info = fence.groups()
            close = re.compile(r"^ {0,3}" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}[ \t]*$")
            j = i + 1
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            if info.strip().split(" ")[0].lower() == "math":
                body = lines[i + 1:j]
                tex = "\n".join(body).strip()
                first = next((k for k, b in enumerate(body) if b.strip()), 0)
                maths.append(Math(file, i + 2 + first, True, tex, "```math"))
                if j >= len(lines):
                    problems.append(Problem(file, i + 1, "markdown", "a ```math block is never closed", tex[:400],
                                            "unclosed-fence"))
            i = j + 1
            in_list = False
            continue
        if _indented(line) and not in_list:  # an indented code block
            while i < len(lines) and (_blank(lines[i]) or _indented(lines[i])):
                i += 1
            continue
        if _is_table_start(lines, i):
            blocks.append(_Block([(i + 1, line)], table_row=True))
            i += 2
            while i < len(lines) and not _blank(lines[i]) and _interrupts(lines[i]) is None:
                blocks.append(_Block([(i + 1, lines[i])], table_row=True))
                i += 1
            in_list = False
            continue
        if ATX_HEADING.match(line) or THEMATIC_BREAK.match(line):
            blocks.append(_Block([(i + 1, line)], ended_by="the end of the heading line"))
            i += 1
            in_list = False
            continue
        in_list = bool(BULLET_ITEM.match(line) or ORDERED_ITEM.match(line)) or (in_list and _indented(line))
        block = _Block([(i + 1, line)])
        i += 1
        while i < len(lines):
            nxt = lines[i]
            if _blank(nxt):
                block.ended_by = f"the blank line {i + 1}"
                break
            what = _interrupts(nxt)
            if what is not None:
                if what != "a fenced code block" and _open_display(block, file):
                    # the author meant the line as TeX inside $$...$$, but CommonMark ends the paragraph
                    # here; keep it in the block so the formula meant is still checked by the engines
                    problems.append(Problem(file, i + 1, "markdown",
                                            f"this line inside $$...$$ starts {what} in Markdown, which ends the "
                                            "paragraph before the closing $$ (GitHub finds math inside paragraphs), "
                                            "so the display math is not rendered; do not begin a line of a $$ block "
                                            "with '-', '+', '*', '#', '>', '1.', '=' (e.g. put the TeX on the $$ line, "
                                            "or begin it with {})", nxt.strip()[:400], "interrupted"))
                else:
                    block.ended_by = f"line {i + 1}, which starts {what}"
                    break
            block.lines.append((i + 1, nxt))
            i += 1
        blocks.append(block)
    for block in blocks:
        found, broken = _scan(block, file)
        maths += found
        problems += broken
    maths.sort(key=lambda m: m.line)
    problems.sort(key=lambda p: p.line)
    return maths, problems


def _open_display(block: _Block, file: str) -> bool:
    """Whether the block so far has a `$$` that no later `$$` closes."""
    return any(p.kind == "unclosed-display" for p in _scan(block, file)[1])


def extract_files(paths, root: Path | None = None) -> tuple[list[Math], list[Problem]]:
    """`extract` over Markdown files (folders are searched for *.md); file names relative to root."""
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        files += sorted(p.rglob("*.md")) if p.is_dir() else [p]
    maths: list[Math] = []
    problems: list[Problem] = []
    for f in files:
        name = str(f.relative_to(root)) if root is not None and f.is_relative_to(root) else str(f)
        m, p = extract(f.read_text(encoding="utf-8"), name)
        maths += m
        problems += p
    return maths, problems


# ---------------------------------------------------------------------------------------------
# The engines

def _modules_present() -> bool:
    # npm writes node_modules/.package-lock.json last: without it an install was cut short
    return (NODE_MODULES / ".package-lock.json").is_file() and all(
        (NODE_MODULES / m / "package.json").is_file() for m in REQUIRED_MODULES)


def _node_version(node: str) -> str:
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or out.stderr.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"? ({exc})"


_ENGINES: tuple[bool, str] | None = None


def ensure_engines(install_timeout: float = 180.0) -> tuple[bool, str]:
    """(True, description) when node and the packages of tests/render are there, installing the
    packages with `npm ci` (once per process, time-boxed) when node_modules is missing; else
    (False, why not)."""
    global _ENGINES
    if _ENGINES is None:
        _ENGINES = _ensure_engines(install_timeout)
    return _ENGINES


def _ensure_engines(install_timeout: float) -> tuple[bool, str]:
    node = shutil.which("node")
    if node is None:
        return False, "node is not on PATH: the TeX render check needs Node.js (v18 or later) and npm"
    version = _node_version(node)
    if _modules_present():
        return True, f"node {version}, packages already in {NODE_MODULES}"
    npm = shutil.which("npm")
    if npm is None:
        return False, (f"{NODE_MODULES} is missing and npm is not on PATH; install npm, then run "
                       f"'npm ci --prefix tests/render'")
    cmd = [npm, "ci", "--prefix", str(RENDER_DIR), "--no-audit", "--no-fund", "--prefer-offline",
           "--loglevel=error", "--fetch-retries=1", "--fetch-timeout=30000"]
    lock = RENDER_DIR / ".npm-ci.lock"
    start = time.monotonic()
    try:
        with open(lock, "w") as handle:
            try:
                import fcntl
                fcntl.flock(handle, fcntl.LOCK_EX)  # another process may be installing right now
            except ImportError:  # Windows: no lock, npm ci alone
                pass
            if _modules_present():
                return True, f"node {version}, packages installed by another process"
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=install_timeout,
                                 stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return False, (f"'npm ci --prefix tests/render' did not finish in {install_timeout:.0f} s (offline? the "
                       f"npm registry unreachable?); run it by hand")
    except OSError as exc:
        return False, f"could not run npm ci ({exc})"
    if out.returncode != 0 or not _modules_present():
        said = (out.stderr or out.stdout).strip().splitlines()
        key = [l for l in said if re.search(r"error code|reason:|FetchError|ERR!|E404|ENOTFOUND|EAI_AGAIN", l)]
        return False, (f"'npm ci --prefix tests/render' failed (exit {out.returncode}; offline, or the registry "
                       f"unreachable?): " + " | ".join((key or said[-4:])[:3]))
    return True, f"node {version}, packages installed by npm ci in {time.monotonic() - start:.1f} s"


@dataclass
class CheckResult:
    problems: list[Problem]
    checked: int
    engines: dict
    timing_ms: dict  # check_tex.mjs's own timings, plus "process" (node start to exit, wall)


def check(maths: list[Math], timeout: float = 300.0) -> CheckResult:
    """Run every formula through check_tex.mjs; one Problem per (formula, engine) that fails."""
    payload = json.dumps([{"file": m.file, "line": m.line, "display": m.display, "tex": m.tex} for m in maths])
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH")
    start = time.perf_counter()
    out = subprocess.run([node, str(CHECKER)], input=payload, capture_output=True, text=True,
                         timeout=timeout, cwd=RENDER_DIR)
    wall = (time.perf_counter() - start) * 1000
    if out.returncode != 0:
        raise RuntimeError(f"check_tex.mjs exited {out.returncode}: {out.stderr.strip()[-2000:]}")
    data = json.loads(out.stdout)
    problems = [Problem(f["file"], f["line"], f["engine"], f["message"], f["tex"]) for f in data["failures"]]
    timing = dict(data["timing_ms"], process=round(wall, 1))
    return CheckResult(problems, data["checked"], data["engines"], timing)


def main(argv: list[str]) -> int:
    root = Path.cwd()
    targets = argv or [str(root / "reports")]
    maths, problems = extract_files(targets, root)
    ok, why = ensure_engines()
    if not ok:
        print(f"cannot run the TeX engines: {why}", file=sys.stderr)
        return 2
    result = check(maths)
    problems = problems + result.problems
    for p in sorted(problems, key=lambda p: (p.file, p.line, p.engine)):
        print(p.text())
    print(f"{len(maths)} formulas, {len(problems)} problems; engines {json.dumps(result.engines)}; "
          f"timing (ms) {json.dumps(result.timing_ms)}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
