//! Unit tests of Data Integrity proofs (DI-08, DI-09, DI-12, round trips).
