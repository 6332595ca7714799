"""The visual period report: calendar heatmap, exception timeline and charts as inline SVG.

Drawn by our own small SVG writer (``svg``) from the report's JSON form, so the page holds
exactly the numbers ``report --format json`` prints. Used by ``report --format html`` and by
the bundle's ``summary.html``.
"""
