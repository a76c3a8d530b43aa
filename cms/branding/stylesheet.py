"""Checking a tenant's custom stylesheet before it is saved and served to every visitor.

The stylesheet is parsed with tinycss2, never pattern-matched, so escapes (`e\\xpression`) and
nesting cannot hide anything. It may style, not fetch or run: no `@import`, no `url()` except
the tenant's own uploads (the caller decides which addresses those are), nothing that old
browsers execute (`expression()`, `behavior`, `-moz-binding`, `javascript:` addresses) and no
`<` at all, so the text can never close a `<style>` element or pass for HTML.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import tinycss2
from tinycss2 import ast

MAX_STYLESHEET_BYTES = 100 * 1024
MAX_REPORTED_PROBLEMS = 10

# At-rules that only style; anything else (@import, @namespace, @charset...) is refused.
ALLOWED_AT_RULES = frozenset(
    {
        "media",
        "supports",
        "font-face",
        "keyframes",
        "-webkit-keyframes",
        "layer",
        "container",
        "page",
        "property",
        "counter-style",
        "font-feature-values",
        "scope",
        "starting-style",
    }
)
# Properties that bind script to elements in old Internet Explorer and Firefox.
CODE_PROPERTIES = frozenset({"behavior", "-ms-behavior", "-moz-binding"})
# Functions whose argument is an address even when written as a plain string.
ADDRESS_FUNCTIONS = frozenset({"url", "src"})
IMAGE_FUNCTIONS = frozenset({"image-set", "-webkit-image-set", "image", "cross-fade", "-webkit-cross-fade"})
SCRIPT_SCHEMES = ("javascript:", "vbscript:")


@dataclass(frozen=True, order=True)
class StylesheetProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line else self.message


def stylesheet_version(text: str) -> str:
    """A short content hash: the stylesheet's URL changes exactly when its content does."""
    return hashlib.sha256(text.encode()).hexdigest()[:12] if text.strip() else ""


def stylesheet_problems(text: str, *, url_allowed: Callable[[str], bool]) -> list[StylesheetProblem]:
    """Every reason the stylesheet cannot be saved, in line order (empty when it can)."""
    size = len(text.encode())
    if size > MAX_STYLESHEET_BYTES:
        return [StylesheetProblem(0, f"The stylesheet is {size // 1024} KB; it may be at most 100 KB.")]
    checker = _Checker(url_allowed)
    checker.check_markup(text)
    checker.check_rules(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))
    return sorted(set(checker.problems))[:MAX_REPORTED_PROBLEMS]


class _Checker:
    def __init__(self, url_allowed: Callable[[str], bool]) -> None:
        self.url_allowed = url_allowed
        self.problems: list[StylesheetProblem] = []

    def refuse(self, line: int | None, message: str) -> None:
        self.problems.append(StylesheetProblem(line or 1, message))

    def check_markup(self, text: str) -> None:
        # Lines are counted as CSS does (tinycss2's own line numbers): \r\n, \r and \f end a line too.
        lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
        for number, line in enumerate(lines, start=1):
            if "</style" in line.lower():
                self.refuse(number, "</style> is not allowed: a stylesheet cannot contain HTML.")
            elif "<" in line:
                self.refuse(number, '"<" is not allowed: a stylesheet cannot contain HTML.')

    def check_rules(self, nodes: Iterable[ast.Node]) -> None:
        for node in nodes:
            if isinstance(node, ast.ParseError):
                self.refuse(node.source_line, f"This is not valid CSS ({node.message}).")
            elif isinstance(node, ast.AtRule):
                self.check_at_rule(node)
            elif isinstance(node, ast.QualifiedRule):
                self.check_tokens(node.prelude)
                self.check_block(node.content)
            elif isinstance(node, ast.Declaration):
                self.check_declaration(node)

    def check_at_rule(self, rule: ast.AtRule) -> None:
        if rule.lower_at_keyword == "import":
            self.refuse(rule.source_line, "@import is not allowed: put the rules in this stylesheet instead.")
            return
        if rule.lower_at_keyword not in ALLOWED_AT_RULES:
            self.refuse(rule.source_line, f"@{rule.at_keyword} is not allowed in this stylesheet.")
            return
        self.check_tokens(rule.prelude)
        if rule.content is not None:
            self.check_block(rule.content)

    def check_block(self, content: list[ast.Node] | None) -> None:
        # Nested blocks hold declarations, rules (@media, CSS nesting) or both.
        if content is not None:
            self.check_rules(
                tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True)
            )

    def check_declaration(self, declaration: ast.Declaration) -> None:
        if declaration.lower_name in CODE_PROPERTIES:
            self.refuse(
                declaration.source_line,
                f'"{declaration.name}" is not allowed: it attaches code to the page in some browsers.',
            )
        self.check_tokens(declaration.value)

    def check_tokens(self, tokens: Iterable[ast.Node]) -> None:
        for token in tokens:
            if isinstance(token, ast.ParseError):
                self.refuse(token.source_line, f"This is not valid CSS ({token.message}).")
            elif isinstance(token, ast.URLToken):
                self.check_address(token.source_line, token.value)
            elif isinstance(token, ast.FunctionBlock):
                self.check_function(token)
            elif isinstance(token, (ast.StringToken, ast.IdentToken)):
                self.check_scheme(token.source_line, token.value)
            elif isinstance(token, (ast.ParenthesesBlock, ast.SquareBracketsBlock, ast.CurlyBracketsBlock)):
                self.check_tokens(token.content)

    def check_function(self, function: ast.FunctionBlock) -> None:
        name = function.lower_name
        if name == "expression":
            self.refuse(function.source_line, "expression() is not allowed: it runs script in some browsers.")
            return
        arguments = [token for token in function.arguments if token.type not in ("whitespace", "comment")]
        if name in ADDRESS_FUNCTIONS:
            if len(arguments) != 1 or not isinstance(arguments[0], ast.StringToken):
                self.refuse(function.source_line, f"{name}() needs one address in quotes.")
            else:
                self.check_address(function.source_line, arguments[0].value)
            return
        if name in IMAGE_FUNCTIONS:
            for argument in arguments:
                if isinstance(argument, ast.StringToken):
                    self.check_address(argument.source_line, argument.value)
                elif isinstance(argument, ast.FunctionBlock) and argument.lower_name in (
                    "var",
                    "env",
                    "attr",
                ):
                    # The substituted value would be an address nobody checked.
                    self.refuse(function.source_line, f"{name}() needs its addresses written out.")
        self.check_tokens(arguments)

    def check_scheme(self, line: int, value: str) -> None:
        compact = "".join(value.split()).lower()
        for scheme in SCRIPT_SCHEMES:
            if scheme in compact:
                self.refuse(line, f'"{scheme}" is not allowed: a stylesheet cannot run script.')

    def check_address(self, line: int, address: str) -> None:
        compact = "".join(address.split()).lower()
        if compact.startswith(SCRIPT_SCHEMES):
            self.refuse(line, f'"{compact.split(":")[0]}:" is not allowed: a stylesheet cannot run script.')
        elif not self.url_allowed(address):
            shown = address if len(address) <= 80 else address[:77] + "..."
            self.refuse(
                line,
                f'url("{shown}") is not allowed: only images and documents uploaded to this site '
                "can be used (copy the address of an uploaded file).",
            )
