"""Charts of projected paths against the plan's targets, drawn without matplotlib.

A chart is laid out once on a `Canvas` (a list of shapes and texts in points) and written
twice from it: as SVG with its text as glyph outlines, and as PNG through Pillow. Both read
the bundled CJK font, so Chinese renders on machines with no CJK font installed, and both
come out byte-identical for the same inputs. `sim run` draws its charts here because this
takes a fraction of the time matplotlib needs for the same figures.
"""
