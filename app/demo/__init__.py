"""`ladder demo`: the whole pipeline on a sample organisation, against the local GitHub stand-in."""
