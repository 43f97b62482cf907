//! (did: to be written)
