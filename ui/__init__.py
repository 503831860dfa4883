"""ReportQA front ends: the ``reportqa`` command line and the Gradio app."""
