//! Unit tests of recognition: the dedupe keys and display fields.
