"""Every chart of the project: run and compare charts of paths against the plan's targets,
fan charts of ensembles, sensitivity tornadoes, calibration and back-test charts, and the
review's charts.

A chart is laid out once on a `Canvas` (a list of shapes and texts in points) and written
twice from it: as SVG with its text as glyph outlines, and as PNG through Pillow at any dpi.
Both read the bundled CJK font, so Chinese renders on machines with no CJK font installed,
and both come out byte-identical for the same inputs.
"""
