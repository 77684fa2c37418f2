"""pyoxigraph terms that several publishing modules read (pages, tables, facts): one definition."""

from __future__ import annotations

from hngraph.rdf.serialize import iri
from hngraph.vocab import DEF, RDFS_NS, SKOS_NS

HN_TEXT = iri(DEF + "text")
HN_TRANSLATION = iri(DEF + "unofficialTranslation")
HN_MEASURE_NUMBER = iri(DEF + "measureNumber")
HN_RESPONSIBILITY = iri(DEF + "responsibility")
HN_ORGANIZATION = iri(DEF + "organization")
HN_ROLE = iri(DEF + "role")
HN_RANK = iri(DEF + "rank")
HN_NAME_AS_WRITTEN = iri(DEF + "nameAsWritten")
HN_HAS_TASK = iri(DEF + "hasTask")
ALT_LABEL = iri(SKOS_NS + "altLabel")
HN_TASK_NUMBER = iri(DEF + "taskNumber")
HN_HAS_MEASURE = iri(DEF + "hasMeasure")
TASK_LIST = iri(DEF + "TaskList")
MEASURE = iri(DEF + "Measure")
COMMENT = iri(RDFS_NS + "comment")
SKOS_DEFINITION = iri(SKOS_NS + "definition")
SKOS_IN_SCHEME = iri(SKOS_NS + "inScheme")
SKOS_NOTE = iri(SKOS_NS + "editorialNote")
