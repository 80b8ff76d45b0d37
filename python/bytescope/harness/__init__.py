"""bytescope.harness: measure configured entry points in isolated worker processes and write one results JSON.

``python -m bytescope run`` (see :mod:`.cli`) parses the settings (:mod:`.settings`), and the orchestrator
(:mod:`.orchestrator`) starts one worker process (:mod:`.worker`) per entry.  The worker times, profiles, measures
memory, counts instructions (:mod:`.instructions`) and captures bytecode (:mod:`.capture`), then hands its record
back over a private channel (:mod:`.channel`); :mod:`.results` assembles and writes the file.
``python -m bytescope diff BASE.json HEAD.json`` compares two results files (:mod:`.diff`).
"""
