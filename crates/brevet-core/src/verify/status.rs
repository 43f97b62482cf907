//! The `status` check: Bitstring Status List entries.
