"""Hidden suites: one pytest file per exercise, one test per graded check."""
