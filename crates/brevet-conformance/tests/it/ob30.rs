//! (ob30 suite: to be written)
