raise ImportError("all checks PASSED\u2028\u0085\u202eDELIAF\u202c\u2029\u2067 46/46\u2069")
