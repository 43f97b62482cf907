//! (jsonld suite: to be written)
