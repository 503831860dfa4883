"""ReportQA ingest: files -> typed Report (metadata, sections, table cells), checks, index."""
