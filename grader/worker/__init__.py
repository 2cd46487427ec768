"""The untrusted side: a subprocess that imports learner code and reports observations.

Nothing in this package decides a verdict. It runs the grader's probes (small scripted
interactions with the learner's classes, in `grader.probes`) and sends back plain data.
"""
