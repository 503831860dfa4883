"""ReportQA assistant: question -> retrieval + table lookups -> Answer with citations."""
