"""Structured clinical data from scrubbed text: problems, medications, procedures, labs,
vitals and allergies, with assertions, sections, codes and FHIR R4 export."""

from engine.clinical.ccda_import import import_ccda
from engine.clinical.extract import extract_clinical
from engine.clinical.fhir_export import to_fhir_bundle
from engine.clinical.fhir_import import import_fhir_bundle
from engine.clinical.imported import ImportedRecord
from engine.clinical.schema import ClinicalEntity, ClinicalExtraction, Code, Section

__all__ = ["ClinicalEntity", "ClinicalExtraction", "Code", "ImportedRecord", "Section",
           "extract_clinical", "import_ccda", "import_fhir_bundle", "to_fhir_bundle"]
