"""The test suite: unit/, gui/, benchmarks/, and support/ shared by them."""
