"""`sim tune`: a local page to tune a scenario's assumptions and see every target respond.

`controls` describes the sliders, `request` checks what the page sends, `session` runs it and
keeps each browser's state, `app` serves the page and its API, `server` starts it.
"""
