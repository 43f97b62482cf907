//! (json: to be written)
