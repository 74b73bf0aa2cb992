//! Benchmark binaries live in `src/bin/`; this crate has no library code of its own.
