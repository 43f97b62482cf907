//! (multikey: to be written)
