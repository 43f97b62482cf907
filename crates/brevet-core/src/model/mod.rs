//! (model: to be written)
