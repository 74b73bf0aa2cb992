//! The `netra` binary: `serve` (default), `migrate`, `check-content`, `coverage`, `questions`,
//! `user`, `roster`, `backup`. See [`server::cli::run`].

/// mimalloc instead of glibc's allocator: requests allocate and free many small buffers across
/// threads, where glibc's arenas cost measurably more (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    server::cli::run::main()
}
