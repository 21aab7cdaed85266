"""Scoring what a model makes: the metrics (numbers in, numbers out), our own classifier whose features they
use, the memorisation check, and side-by-side comparisons of runs."""
