//! (ob3 typed model: to be written)
