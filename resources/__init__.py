"""Data shipped with Counterclaim: the default schema and the sample texts."""
