//! (ob30 schema suite: to be written)
