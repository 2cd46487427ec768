"""Renderings of a `RunResult`: each reads the model and computes no score of its own."""
