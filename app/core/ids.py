"""Typed ids, so that an article id is never passed where a tag id is meant."""

from typing import NewType

ArticleId = NewType("ArticleId", int)
HighlightId = NewType("HighlightId", int)
TagId = NewType("TagId", int)
NoteId = NewType("NoteId", int)
ActorId = NewType("ActorId", int)
AgreementId = NewType("AgreementId", int)
