"""ReportQA evaluation: gold sets, metrics, baselines, synthetic corpus, benchmarks."""
