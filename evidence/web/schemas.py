"""The API's request and response bodies, as pydantic models (they make /openapi.json).

Text fields refuse what no database can store (NUL, lone surrogates) with a 422, names and
texts refuse blanks, and every id is a positive 32-bit integer, so that bad input is
refused before it reaches the store. The pages' forms are read through the same models
(``evidence.web.forms``), so a page refuses what the API refuses.

Where the store's read gives a frozen dataclass that is already what the API answers with
(``ArticleSummary``, ``EventView``), the body is that dataclass itself: pydantic makes its
schema, and a field added to the store is answered and stated without a second class.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, GetCoreSchemaHandler
from pydantic.config import JsonDict
from pydantic_core import CoreSchema, core_schema

from evidence.errors import InputError
from evidence.store.editing import EventView
from evidence.store.tokens import MAX_NAME, token_name
from evidence.store.views import ArticleSummary
from evidence.vocabulary import (
    BIBLIOGRAPHY_FORMATS,
    ArticleFormat,
    ClaimStatus,
    How,
    JobState,
    ReferenceStatus,
    Role,
    SourceChange,
    Verdict,
)

__all__ = [
    "MAX_ID",
    "MAX_TEXT",
    "NO_NUL",
    "ArticleCreated",
    "ArticleIn",
    "ArticleList",
    "ArticleOut",
    "AlertArticleOut",
    "AlertOut",
    "ClaimOut",
    "CommentIn",
    "CommentOut",
    "DOIPath",
    "DOI_PATTERN",
    "ErrorOut",
    "FILLED",
    "FindingOut",
    "Health",
    "Id",
    "IdPath",
    "JobAccepted",
    "JobOut",
    "Input",
    "LinkIn",
    "LinkOut",
    "MatchIn",
    "MatchOut",
    "MismatchOut",
    "Me",
    "NoSourceIn",
    "PersonOut",
    "ReferenceOut",
    "SourceChangeOut",
    "SourceOut",
    "TokenCreated",
    "TokenIn",
    "TokenNamePath",
    "TokenOut",
    "Trail",
    "VerdictIn",
    "VersionIn",
    "VersionOut",
    "WorkOut",
]

MAX_ID = 2**31 - 1


def _bibliography_rules(schema: JsonDict) -> None:
    # Imported when the schema is made: the rules live beside the check that enforces them.
    from evidence.web.bibliography import ARTICLE_BIBLIOGRAPHY_RULES

    schema.update(ARTICLE_BIBLIOGRAPHY_RULES)


class Input(BaseModel):
    """A request body: a field it does not know is refused (422), not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def _storable(text: str) -> str:
    if "\x00" in text:
        raise ValueError("text must not contain NUL characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from exc
    return text


def _token_name(text: str) -> str:
    try:
        token_name(text)  # the store's own rule, said as a validation error
    except InputError as exc:
        raise ValueError(str(exc)) from exc
    return text


def _filled(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank (only spaces)")
    return text


NO_NUL = "^[^\\x00]*$"
FILLED = "^[^\\x00]*[^\\x00\\s][^\\x00]*$"
"""The rules above as JSON-schema patterns, so /openapi.json states what is refused. Only
stated, not enforced by pattern: the validators give the clearer message."""

_STORABLE = AfterValidator(_storable)
_FILLED = AfterValidator(_filled)
MAX_TEXT = 5_000_000
"""An article or bibliography of more characters is refused (the body limit is 5 MB too)."""

def _text(*, max_length: int, filled: bool = True) -> Any:
    """A text field: at most ``max_length`` characters, storable, and not blank if ``filled``."""
    stated: JsonDict = {"pattern": FILLED if filled else NO_NUL}
    return Field(min_length=1 if filled else 0, max_length=max_length,
                 json_schema_extra=stated)


Name = Annotated[str, _text(max_length=500), _STORABLE, _FILLED]
Body = Annotated[str, _text(max_length=MAX_TEXT), _STORABLE, _FILLED]
Bibliography = Annotated[str, _text(max_length=MAX_TEXT, filled=False), _STORABLE]
Reason = Annotated[str, _text(max_length=2000), _STORABLE, _FILLED]
Note = Annotated[str, _text(max_length=10_000), _STORABLE, _FILLED]
ReferenceText = Annotated[str, _text(max_length=5000), _STORABLE, _FILLED]
TOKEN_NAME = r"^[\w.@+'-]+( [\w.@+'-]+)*$"
"""Token names as documented: words (any script), digits and ``.@+'-``, single spaces
between. The store takes any printable name; this is the plainer part stated for clients."""
TokenName = Annotated[
    str, Field(min_length=1, max_length=MAX_NAME, json_schema_extra={"pattern": TOKEN_NAME}),
    _STORABLE, _FILLED, AfterValidator(_token_name),
]


TokenNamePath = Annotated[
    str, Path(min_length=1, max_length=100, json_schema_extra={"pattern": NO_NUL}), _STORABLE
]
"""A token's name in a path (``DELETE /api/tokens/{name}``): no NUL, as in a body."""

DOI_PATTERN = r"^10\.[0-9]{4,9}(\.[0-9]+)*/[!-~]*[!-.0-~][!-~]*$"
"""What ``/api/works/{doi}`` is documented to take: ``10.``, a registrant code of four to
nine digits, ``/``, and a suffix of visible ASCII. Stated, not enforced: the route also
takes ``doi:`` and doi.org forms and any DOI ``refs.doi`` accepts, and says why it refuses
the rest (400)."""

DOIPath = Annotated[str, Path(description="a DOI, e.g. 10.1002/14651858.CD009790.pub2",
                              json_schema_extra={"pattern": DOI_PATTERN})]

class FormatsTaken:
    """The formats of the vocabulary's ``ArticleFormat`` that one field takes.

    Checked against these values' strings, so that pydantic's message and /openapi.json's
    ``enum`` name just them ("Input should be 'text', 'markdown' or 'html'"), then given to
    the route as the vocabulary's member.
    """

    def __init__(self, *formats: ArticleFormat, elsewhere: str | None = None) -> None:
        self.formats = formats
        self.elsewhere = elsewhere
        """Where the other formats go, said after the values when one of them is sent."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        taken: CoreSchema = core_schema.literal_schema([f.value for f in self.formats])
        if self.elsewhere:
            values = [f"'{f.value}'" for f in self.formats]
            said = ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else values[0]
            taken = core_schema.custom_error_schema(
                taken, custom_error_type="format_elsewhere",
                custom_error_message=f"Input should be {said}; {self.elsewhere}")
        return core_schema.no_info_after_validator_function(ArticleFormat, taken)


TEXT_FORMATS = (ArticleFormat.TEXT, ArticleFormat.MARKDOWN, ArticleFormat.HTML)
"""What ``POST /api/articles`` takes as text; files of the other formats are uploaded."""
TextFormat = Annotated[ArticleFormat, FormatsTaken(
    *TEXT_FORMATS,
    elsewhere="Word, PDF, LaTeX and JATS files go to POST /api/articles/upload (multipart)")]
BibliographyFormat = Annotated[
    ArticleFormat, FormatsTaken(*sorted(BIBLIOGRAPHY_FORMATS, key=lambda f: f.value))]

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_ID, description="the version you read")]


class ErrorOut(BaseModel):
    error: str
    status: int
    details: list[dict[str, Any]] | None = None
    current: dict[str, Any] | None = None


AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no token, or an unknown or revoked one"},
    403: {"model": ErrorOut, "description": "the token's role does not allow this"},
}
"""The answers of every route behind a token, for a router's ``responses``."""


class Health(BaseModel):
    status: str
    database: str


class Me(BaseModel):
    name: str
    role: str


# --- articles ----------------------------------------------------------------------------


class ArticleIn(Input):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_bibliography_rules)
    name: Name = Field(description="the document's name; versions share it")
    text: Body
    format: TextFormat = Field(
        default=ArticleFormat.TEXT, description="Word, PDF, LaTeX and JATS files go to "
        "`POST /api/articles/upload` (multipart) instead"
    )
    bibliography: Bibliography | None = Field(
        default=None, description="BibTeX or CSL-JSON text holding the references"
    )
    bibliography_format: BibliographyFormat | None = Field(
        default=None, description="guessed from the text when not given"
    )
    replaces: int | None = Field(
        default=None, ge=1, le=MAX_ID,
        description="the id of the version you read and are replacing: if another version "
        "was stored since, 409 with the newest one as `current`; omitted, the new version "
        "follows whatever version is newest",
    )


class ArticleCreated(BaseModel):
    id: int
    name: str
    previous_id: int | None
    number: int = Field(description="the version's number within its document: 1, 2, ...")
    created: bool = Field(description="false when this exact text was stored already")
    url: str


class JobAccepted(BaseModel):
    job_id: int
    name: str
    state: JobState
    created: bool = Field(description="false when this exact text was submitted already")
    url: str = Field(description="the job: GET it until `state` is done or failed")
    page: str = Field(description="the page that shows the article as being checked")


class JobOut(BaseModel):
    id: int
    name: str
    state: JobState
    attempts: int
    article_id: int | None
    article_url: str | None
    error: str | None
    submitted_at: datetime
    finished_at: datetime | None


class ArticleList(BaseModel):
    articles: list[ArticleSummary]


class SourceOut(BaseModel):
    """A claim's source as ``evidence.serialise.source_json`` writes it (a test holds the two
    together), with ``reference`` the reference's id and the link's own keys added."""

    doi: str | None
    how: How
    score: float | None
    reference: int
    marker: str | None = Field(description="the marker as written (not stored: null)")
    why: str | None = Field(
        default=None, description="inferred links: what made the linker pick the reference, "
        "in words (shared words, neighbouring citations, names); null for markers and editors")
    link: int
    verdict: Verdict
    version: int


class CommentOut(BaseModel):
    id: int
    claim: int
    actor: str
    text: str
    at: datetime


class ClaimOut(BaseModel):
    """A claim as ``evidence.serialise.claim_json`` writes it (a test holds the two together),
    with the editors' keys added."""

    id: int
    text: str
    line: int | None
    place: str = Field(description="where it stands, in words: \"line 14\", or \"page 2, "
                                   "line 14\" where the file has no lines of its own")
    needs_support: bool
    score: float | None = Field(description="the claim model's score (not stored: null)")
    sources: list[SourceOut] = Field(description="every link, rejected ones too")
    status: ClaimStatus
    reasons: list[str] = Field(description="why the sentence needs a source")
    suppressed: str | None = Field(description="why the claim needs no source (an inline "
                                   "suppression or an editor's mark), as the check report says")
    new: bool = Field(default=False, description="not in the version before (unreviewed)")
    reason: str | None = Field(description="`reasons`, joined with `; `")
    no_source_reason: str | None = Field(description="the editors' name for `suppressed`")
    version: int
    comments: list[CommentOut]


class UpdateOut(BaseModel):
    kind: str
    doi: str | None
    source: str | None
    date: str | None
    label: str | None


class PersonOut(BaseModel):
    family: str | None
    given: str | None
    literal: str | None = Field(description="a name without parts, e.g. an organisation")
    orcid: str | None


class WorkOut(BaseModel):
    """A work as ``evidence.serialise.work_json`` writes it (a test holds the two together),
    the same object as ``evidence resolve --json`` and the check report's references give."""

    doi: str | None
    title: str
    type: str | None
    year: int | None
    authors: list[PersonOut]
    container_title: str | None
    volume: str | None
    issue: str | None
    pages: str | None
    publisher: str | None
    retracted: bool
    corrected: bool
    updates: list[UpdateOut]


class MismatchOut(BaseModel):
    field: str
    written: str
    registry: str


class ReferenceOut(BaseModel):
    """A reference as ``evidence.serialise.reference_json`` writes it (a test holds the two
    together), with its id."""

    id: int
    text: str
    line: int | None
    place: str = Field(description="where it stands, in words: \"line 14\", or \"page 2, "
                                   "line 14\" where the file has no lines of its own")
    doi: str | None
    status: ReferenceStatus
    title: str | None
    retracted: bool
    corrected: bool
    written_doi: str | None
    confidence: float | None
    reason: str | None = Field(default=None, description="why unverified, not found or invalid")
    key: str | None = Field(description="the citation key or label")
    path: str = Field(description="where it is written: a bibliography file, else the article")
    year: int | None
    updates: list[UpdateOut]
    mismatches: list[MismatchOut] = Field(
        default_factory=list, description="written details the registry disagrees with"
    )
    work: WorkOut | None


class FindingOut(BaseModel):
    """A finding as ``evidence.serialise.finding_json`` writes it (a test holds the two
    together)."""

    rule: str
    severity: str
    path: str
    line: int
    place: str = Field(description="where it stands, in words: \"line 14\", or \"page 2, "
                                   "line 14\" where the file has no lines of its own")
    message: str
    column: int | None
    subject: str = Field(description="the claim or reference text the finding is about")
    fingerprint: str = Field(description="how a baseline knows the finding across edits")


class VersionOut(BaseModel):
    id: int
    created_at: datetime


class ArticleOut(BaseModel):
    id: int
    name: str
    path: str
    title: str | None
    format: ArticleFormat
    created_at: datetime
    previous_id: int | None
    versions: list[VersionOut]
    text: str
    claims: list[ClaimOut] = Field(description="the page of claims asked for (`limit`, "
                                   "`offset`), in text order")
    claims_total: int = Field(description="how many claims the version has in all")
    references: list[ReferenceOut]
    findings: list[FindingOut]
    source_changes: list[SourceChangeOut] = Field(
        default_factory=list, description="what the registry changed about a cited work "
        "after this version was checked (seen by `evidence recheck`), oldest first")


class SourceChangeOut(BaseModel):
    """A change the registry made to a work after a check, as a recheck saw it."""

    doi: str
    kind: SourceChange
    references: list[int] = Field(description="the ids of the references naming the work")
    notice_doi: str | None = Field(description="the notice's DOI (retraction, correction...)")
    notice_type: str | None = Field(description="the registry's own word for the notice")
    source: str | None = Field(description="who said so: publisher, retraction-watch")
    notice_date: str | None = Field(description="the notice's date (year, month or day)")
    detail: str | None = Field(description="for a changed record, what changed")
    seen_at: datetime = Field(description="when a recheck saw it")


class AlertArticleOut(BaseModel):
    id: int
    name: str
    version: int
    url: str


class AlertOut(BaseModel):
    """An article citing a work the registry retracted, corrected, withdrew or expressed
    concern about after the check; editors acknowledge each."""

    id: int
    article: AlertArticleOut
    doi: str
    title: str | None
    kind: SourceChange
    notice_doi: str | None
    notice_date: str | None
    detail: str | None
    seen_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None


# --- editors' work -----------------------------------------------------------------------


class VerdictIn(Input):
    verdict: Verdict
    version: Version


class VersionIn(Input):
    version: Version


class LinkIn(Input):
    reference_id: Id
    version: Version = Field(description="the version of the claim you read")


class NoSourceIn(Input):
    reason: Reason | None = Field(description="why no source is needed; null unmarks")
    version: Version


class CommentIn(Input):
    text: Note


class LinkOut(BaseModel):
    id: int
    claim: int
    reference: int
    how: How
    score: float | None
    why: str | None = Field(
        default=None, description="inferred links: what made the linker pick the reference, "
        "in words (shared words, neighbouring citations, names); null for markers and editors")
    verdict: Verdict
    version: int
    updated_at: datetime


class Trail(BaseModel):
    claim: int
    events: list[EventView]
    comments: list[CommentOut]


# --- works -------------------------------------------------------------------------------


class MatchIn(Input):
    text: ReferenceText = Field(description="a reference as written, in any style")


class MatchOut(BaseModel):
    doi: str | None
    confidence: float | None
    work: WorkOut | None


# --- tokens ------------------------------------------------------------------------------


class TokenIn(Input):
    name: TokenName
    role: Role


class TokenOut(BaseModel):
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None


class TokenCreated(BaseModel):
    name: str
    role: str
    token: str = Field(description="shown once; only its hash is kept")
