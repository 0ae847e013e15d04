"""Plain data passed between the stages: the paper, page templates, the issue and articles.

All lengths are points (floats); grid positions are whole lines and 1-based columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .compose import Settings
from .errors import SourceRef


@dataclass(frozen=True)
class TextStyle:
    role: str      # font role (layout/fonts.yaml)
    size: float    # pt


@dataclass(frozen=True)
class PdfxLevel:
    """One PDF/X level: its names and the facts the writer (pdfx.py) and the preflight ask."""

    name: str                   # as the paper's `print: pdfx:` and the reports name it
    info_version: str           # GTS_PDFXVersion in the document information
    conformance: str | None     # GTS_PDFXConformance (the X-1a levels), also in the XMP
    pdf_version: str            # the PDF version written, the highest the level allows
    transparency: bool          # transparency allowed or not (X-1a)
    xmp_version: bool           # GTS_PDFXVersion required in the XMP too (pdfxid:, X-4)
    profile_required: bool      # the OutputIntent must embed its ICC profile
    spellings: tuple = ()       # `--pdfx` spellings; none: checked, but typeset does not write it


# The one table of PDF/X levels: load, the command line, pdfx.py and the preflight ask it.
PDFX = (
    PdfxLevel("PDF/X-4", "PDF/X-4", None, "1.6", transparency=True, xmp_version=True,
              profile_required=True, spellings=("x-4", "pdf/x-4")),
    PdfxLevel("PDF/X-1a:2001", "PDF/X-1:2001", "PDF/X-1a:2001", "1.3", transparency=False,
              xmp_version=False, profile_required=False,
              spellings=("x-1a", "pdf/x-1a", "pdf/x-1a:2001")),
    PdfxLevel("PDF/X-1a:2003", "PDF/X-1a:2003", "PDF/X-1a:2003", "1.4", transparency=False,
              xmp_version=False, profile_required=False),
)
PDFX_LEVELS = tuple(lv.name for lv in PDFX if lv.spellings)     # the levels typeset writes


def pdfx_level(name: str | None, by: str = "name") -> PdfxLevel | None:
    """The level called ``name`` (``by="name"``, or ``"info_version"``: as a file's
    GTS_PDFXVersion says, or ``"spelling"``: as given to ``--pdfx``), None if unknown."""
    for lv in PDFX:
        if (name in lv.spellings if by == "spelling" else getattr(lv, by) == name):
            return lv
    return None


# A story's rank on its page (`priority:` in the manifest, for `typeset makeup`), most
# important first, with the newsroom's names for them: 头条 the lead, 二条 the second story,
# 简讯 a brief.  makeup.py says what each rank may have (headline style, span, place).
PRIORITIES = ("lead", "second", "normal", "brief")
PRIORITY_NAMES = {"lead": "lead", "头条": "lead", "second": "second", "二条": "second",
                  "normal": "normal", "一般": "normal", "brief": "brief", "简讯": "brief"}


@dataclass(frozen=True)
class PrintSpec:
    """The printing plant's output condition (the paper's ``print:`` keys): the PDF/X level,
    the OutputIntent (registered condition identifier and the ICC output profile) and the
    total ink limit."""

    pdfx: str = "PDF/X-4"                       # one of PDFX_LEVELS
    output_condition: str = "CGATS TR 002"      # OutputConditionIdentifier (ICC registry)
    condition: str = "Coldset offset printing on newsprint (CGATS/SNAP TR 002-2007)"
    registry: str = "http://www.color.org"
    icc: Path | None = None                     # the output profile (absolute path)
    ink_limit: float = 2.4                      # total area coverage; 1.0 = 100 %
    preflight_profile: str = "house"            # profile.load_profile: a name or a file
    # that profile as read when the paper was loaded (profile.paper_profile hands it out), so
    # that a build does not read and check the same file again for every page it preflights
    profile: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class PaperFacts:
    """What a paper's masthead (报头) prints about it (the paper's ``masthead:`` keys): its
    name logo and the numbers the regulations ask for (newsroom.md §3)."""

    logo: Path | None = None          # vector logo: PDF, SVG or EPS (project-relative)
    cn: str | None = None             # 国内统一连续出版物号, e.g. CN 51-0099
    issn: str | None = None
    postal: str | None = None         # 邮发代号
    publisher: str | None = None      # 主办 / 出版


@dataclass(frozen=True)
class Paper:
    """A paper's page format and grid (layout/papers/NAME.yaml)."""

    key: str
    name: str                 # 四川科技报
    trim_w: float
    trim_h: float
    bleed: float
    margin_top: float         # trim top edge → type area top
    columns: int
    column_chars: int         # body characters per column
    gutter: float
    body: TextStyle
    line_gap: float
    lines: int                # grid lines per column
    settings: Settings
    rule_width: float
    source: Path
    output: PrintSpec = field(default_factory=PrintSpec)   # print: (PDF/X, OutputIntent)
    facts: PaperFacts = field(default_factory=PaperFacts)  # masthead: (logo, CN, ISSN …)

    @property
    def icc_path(self) -> Path | None:
        """The output ICC profile (pictures are converted to it; PDF/X OutputIntent)."""
        return self.output.icc

    @property
    def pitch(self) -> float:
        return self.body.size + self.line_gap

    @property
    def column_width(self) -> float:
        return self.column_chars * self.body.size

    @property
    def area_w(self) -> float:
        return self.columns * self.column_width + (self.columns - 1) * self.gutter

    @property
    def area_h(self) -> float:
        return self.lines * self.pitch

    @property
    def area_x(self) -> float:
        """Left edge of the type area, from the trim's left edge (centred)."""
        return (self.trim_w - self.area_w) / 2.0

    def column_x(self, column: int) -> float:
        """Left edge of 1-based ``column``, from the trim's left edge."""
        return self.area_x + (column - 1) * (self.column_width + self.gutter)

    def span_width(self, span: int) -> float:
        return span * self.column_width + (span - 1) * self.gutter

    def line_top(self, line: int) -> float:
        """Distance from the trim's top edge down to the top of grid line ``line`` (0-based)."""
        return self.margin_top + line * self.pitch


@dataclass(frozen=True)
class Footer:
    title: str
    units: tuple[str, ...]
    lines: int
    title_style: TextStyle
    unit_style: TextStyle
    units_where: object = None   # errors.SourceRef of a page's footer_units (None: the template)


@dataclass(frozen=True)
class Masthead:
    """A front-page template's masthead (报头) band, in place of the section head and the
    running head (page 1 has no 报眉): the logo, the date lines and the 导读 box."""

    lines: int                        # grid lines of the band
    date_style: TextStyle             # date, weekday, lunar date, issue number
    facts_style: TextStyle            # publisher, CN, ISSN, 邮发代号
    guide_title: str                  # 导读
    guide_title_style: TextStyle
    guide_style: TextStyle


@dataclass(frozen=True)
class Template:
    """A page template (layout/templates/NAME.yaml): standing furniture and styles."""

    key: str
    section: str
    section_pinyin: str
    section_head_lines: int
    section_style: TextStyle
    pinyin_style: TextStyle
    running_style: TextStyle
    headline_styles: dict            # name -> TextStyle
    kicker_style: TextStyle
    subtitle_style: TextStyle
    byline_style: TextStyle
    banner_style: TextStyle
    footer: Footer | None
    source: Path
    jump_style: TextStyle | None = None      # 下转/上接 lines
    jump_headline: bool = True               # repeat the headline (接题) over a continuation
    continued_style: TextStyle | None = None  # the 接题's style
    caption_style: TextStyle | None = None
    headline_align: str = "center"           # center | left
    notices: tuple[str, ...] = ()            # standing notice lines at the foot (编辑、校对 …)
    notice_style: TextStyle | None = None
    masthead: Masthead | None = None         # a front page's 报头 (masthead.py)
    # blocks every page of the template has (a 报头 banner, a reserved 导读 column): the
    # template's `slots:` as read, which the loader merges into each page's slots
    slots: tuple = ()


@dataclass(frozen=True)
class Table:
    """A table in an article (markup.py): its header row, body rows and each column's
    alignment ("left", "right", "center"; "" = as its cells say: figures right)."""

    header: tuple
    rows: tuple
    align: tuple
    number: int = 1                  # the article's first, second … table (in messages)


# Paragraph.verse of the first line of a stanza after another in verse the editor marked
MARKED_STANZA = 3
# The names that mark a poem, in every article format (lower case): a .txt article's
# `verse:` line, a .md fence's info (```poem) or class ({.poem}), a .docx paragraph style
POEM_NAMES = ("poem", "poetry", "verse", "诗", "诗歌", "诗词")


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int                        # 1-based line in the article file
    # what the article's markup made of it (markup.py; plain text is all "body"):
    # body | subhead | quote | item | table
    kind: str = "body"
    level: int = 0                   # a subhead's level (1 = the highest)
    # inline emphasis: (start, end, style) over ``text``, style one of markup.STYLES
    spans: tuple = ()
    table: Table | None = None       # kind "table": its cells (``text`` is them, joined)
    box: bool = False                # a quote in a box (编者按)
    align: str = ""                  # a subhead's: "center" | "left" ("" = by its level)
    # a line of verse the copy set one a line (load: short lines with or without marks at
    # their ends, body.py sets them a line of verse to a line): 1, or 2 for the first line of
    # a stanza after another (a blank line of the copy between them); 3 for that first line
    # in verse the editor marked (a .txt `verse:`, a .md ```poem fence or {.poem}, a .docx
    # Poem style), parted from the stanza before by a blank line wherever it stands; 0: prose
    verse: int = 0
    # a line of verse the copy indented beyond its stanza's others (a poet's stepped line,
    # typed with spaces or 　): em
    step: int = 0


@dataclass(frozen=True)
class Article:
    key: str                         # file stem
    path: Path
    headline: str
    kicker: str | None
    subtitle: str | None
    byline: str | None
    paragraphs: tuple[Paragraph, ...]
    headline_line: int = 1
    # copy still coming in (待稿): the file is missing or has no text yet, and the slot gives
    # its expected length; the flow sets ``expect_lines`` empty lines for it, drawn as a grey
    # placeholder, and build writes no print PDF while one is on a page
    placeholder: bool = False
    expect_lines: int = 0
    expect_what: str = ""            # as the manifest said it: "1200 characters", "40 lines"
    lang: str | None = None          # `lang:` of the article (zh-Hans, zh-Hant …); None: the issue's
    warnings: tuple = ()             # what the loader could not carry over (a .docx's tracked
                                     # changes, comments …): (SourceRef, message)


@dataclass(frozen=True)
class Slot:
    """An article block, a banner or a picture on the page grid."""

    id: str
    kind: str                        # "article" | "banner" | "picture" | "reserve" | "graphic"
    column: int                      # 1-based start column
    span: int
    top: int | None                  # first grid line (0-based); None = below the blocks above
    lines: int | None                # height in lines; None = from the content
    article: str | None = None       # article key
    text: str | None = None          # banner text; a reserved space's label (广告)
    headline_style: str = "standard"
    headline_lines: int | None = None   # fixed headline height in lines
    headline_span: int | None = None    # columns the headline spans (default: all)
    allow_overset: bool = False
    # a box rule around the block: None, or its style — "thin" (正线), "thick" (反线),
    # "double" (双线), "fancy" (花线, a wave)
    box: str | None = None
    tint: float = 0.0                # 底纹: a K tint (0..1) behind the block
    rules: bool = True               # automatic rules between this block and its neighbours
    # non-rectangular blocks (刀把 and others): text areas (column, first line, lines) in
    # reading order, below the headline band
    runs: tuple = ()
    image: Path | None = None        # picture file
    caption: str | None = None
    graphic: Path | None = None      # an advertisement or logo: PDF, SVG or EPS (graphics.py)
    graphic_page: int = 1            # the page of a PDF graphic to place
    advert: bool = False             # a graphic that is an advertisement: marked 广告 (art. 38)
    # vertical text (vertical.py): "all" = a vertical article block, "headline" = a vertical
    # headline beside a horizontal story; tiers (栏) of a vertical block, top to bottom
    vertical: str | None = None
    tiers: int = 1
    headline_side: str = "right"     # where a vertical headline stands beside its story
    where: SourceRef = field(default_factory=SourceRef)
    # for `typeset makeup` (makeup.py): the story's rank (lead, second, normal, brief), a
    # picture's story (the slot id of the article it illustrates), a block makeup must leave
    # where it is, and whether the manifest placed the slot at all (column and span given)
    priority: str | None = None
    story: str | None = None
    fixed: bool = False
    placed: bool = True
    section: str | None = None       # the section (a template's) whose pages may take it


@dataclass(frozen=True)
class PageSpec:
    number: int
    template: Template
    slots: tuple[Slot, ...]
    where: SourceRef
    editor: str | None = None        # 责任编辑 of this page (else the issue's)
    notices: tuple[str, ...] = ()    # this page's notices (更正, 启事 …), after the template's
    fixed: bool = False              # `makeup --plan` leaves this page as it is
    black_only: bool = False         # printed in black only: everything on the K plate
    # the masthead's 导读 entries: (article key, title or None = its headline, SourceRef)
    guide: tuple = ()


@dataclass(frozen=True)
class Issue:
    root: Path                       # the issue folder
    manifest: Path
    paper: Paper
    date: str                        # YYYY-MM-DD
    number: str | None               # issue number (期号), as printed
    editor: str | None
    pages: tuple[PageSpec, ...]
    articles: dict                   # key -> Article
    project_root: Path
    fonts: object                    # fonts.FontTable
    normalise: bool = True
    pool: tuple = ()                 # slots not yet on a page (`stories:`), for makeup --plan
    total_number: str | None = None  # 总第N期, as printed in the masthead
    lang: str | None = None          # `lang:` of the issue (zh-Hant …); None: Simplified

    def shown(self, path) -> str:
        """A file's name as the layout editor knows it: from the issue or project folder."""
        for base in (self.root, self.project_root):
            try:
                return path.resolve().relative_to(base.resolve()).as_posix()
            except ValueError:
                continue
        return path.name

    def document_lang(self, numbers) -> str:
        """The PDF's /Lang for a file of pages ``numbers``: the issue's language, else the
        one language every article on them is marked with, else zh-CN (Simplified)."""
        if self.lang:
            return "zh-CN" if self.lang == "zh-Hans" else self.lang
        langs = {self.articles[s.article].lang for p in self.pages if p.number in numbers
                 for s in p.slots if s.kind == "article" and s.article in self.articles}
        one = langs.pop() if len(langs) == 1 else None
        return one if one and one != "zh-Hans" else "zh-CN"
