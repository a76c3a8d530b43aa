"""The generated theme stylesheet: a tenant's colours and font as CSS custom properties.

site/static/css/lyceum.css reads every colour and the font from custom properties on :root;
this small file, linked right after it, overrides them. It is a file, not an inline <style>,
because the Content-Security-Policy allows stylesheets from our own origin only. Its URL carries
a hash of its content, so it can be cached for a year and still change the moment the branding
does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.templatetags.static import static

SYSTEM_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
SERIF_FALLBACK = 'Georgia, "Times New Roman", serif'
DARK_INK, LIGHT_INK = "#0f172a", "#ffffff"
# Subsets shipped under site/static/fonts/: Latin, and Latin Extended for Turkish and others.
LATIN = (
    "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, "
    "U+0329, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD"
)
LATIN_EXT = (
    "U+0100-02BA, U+02BD-02C5, U+02C7-02CC, U+02CE-02D7, U+02DD-02FF, U+0304, U+0308, U+0329, "
    "U+1D00-1DBF, U+1E00-1E9F, U+1EF2-1EFF, U+2020, U+20A0-20AB, U+20AD-20C0, U+2113, U+2C60-2C7F, "
    "U+A720-A7FF"
)


@dataclass(frozen=True)
class FontFile:
    path: str  # under STATIC_URL
    weight: str
    unicode_range: str


@dataclass(frozen=True)
class BundledFont:
    family: str
    fallback: str
    files: tuple[FontFile, ...]

    @property
    def stack(self) -> str:
        return f'"{self.family}", {self.fallback}'


BUNDLED_FONTS: dict[str, BundledFont] = {
    "inter": BundledFont(
        "Inter Variable",
        SYSTEM_STACK,
        (
            FontFile("fonts/inter/inter-latin-wght-normal.woff2", "100 900", LATIN),
            FontFile("fonts/inter/inter-latin-ext-wght-normal.woff2", "100 900", LATIN_EXT),
        ),
    ),
    "source-serif": BundledFont(
        "Source Serif 4 Variable",
        SERIF_FALLBACK,
        (
            FontFile("fonts/source-serif-4/source-serif-4-latin-wght-normal.woff2", "200 900", LATIN),
            FontFile("fonts/source-serif-4/source-serif-4-latin-ext-wght-normal.woff2", "200 900", LATIN_EXT),
        ),
    ),
    "atkinson": BundledFont(
        "Atkinson Hyperlegible",
        SYSTEM_STACK,
        tuple(
            FontFile(
                f"fonts/atkinson-hyperlegible/atkinson-hyperlegible-{subset}-{weight}-normal.woff2",
                weight,
                ranges,
            )
            for weight in ("400", "700")
            for subset, ranges in (("latin", LATIN), ("latin-ext", LATIN_EXT))
        ),
    ),
}


@dataclass(frozen=True)
class Theme:
    primary_color: str
    accent_color: str
    background_color: str
    font: str

    @property
    def font_stack(self) -> str:
        bundled = BUNDLED_FONTS.get(self.font)
        return bundled.stack if bundled else SYSTEM_STACK

    @property
    def primary_ink(self) -> str:
        """Text on the primary colour: whichever of dark or white contrasts more (WCAG luminance)."""
        return DARK_INK if relative_luminance(self.primary_color) > 0.179 else LIGHT_INK

    def css(self) -> str:
        faces = "".join(_font_face(BUNDLED_FONTS[self.font], file) for file in _files_of(self.font))
        return (
            f"/* Branding: colours and font of this site. */\n{faces}"
            ":root {\n"
            f"  --color-primary: {self.primary_color};\n"
            f"  --color-primary-ink: {self.primary_ink};\n"
            f"  --color-accent: {self.accent_color};\n"
            f"  --color-bg: {self.background_color};\n"
            f"  --font: {self.font_stack};\n"
            "}\n"
        )

    def version(self) -> str:
        return hashlib.sha256(self.css().encode()).hexdigest()[:12]


def _files_of(font: str) -> tuple[FontFile, ...]:
    bundled = BUNDLED_FONTS.get(font)
    return bundled.files if bundled else ()


def _font_face(font: BundledFont, file: FontFile) -> str:
    return (
        "@font-face {\n"
        f'  font-family: "{font.family}";\n'
        "  font-style: normal;\n"
        "  font-display: swap;\n"
        f"  font-weight: {file.weight};\n"
        f'  src: url("{static(file.path)}") format("woff2");\n'
        f"  unicode-range: {file.unicode_range};\n"
        "}\n"
    )


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[index : index + 2]) for index in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
