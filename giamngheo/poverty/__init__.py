"""The poverty engine: national and provincial multidimensional poverty standards as versioned data,
the deprivation indicators, classification with reasons, Alkire–Foster measures and a vectorised bulk
path. Pure Python (plus numpy); it never imports Django, so it runs in scripts, jobs and notebooks.
"""
