"""Turning due work into days and routing problems: the horizon, absence cover, travel times, and
each flow's problem builder.

Pure Python: no AWS, no storage.
"""
