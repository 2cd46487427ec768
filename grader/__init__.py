"""An autograder for PyTorch exercises that never runs learner code in the judging process."""

__version__ = "0.1.0"
