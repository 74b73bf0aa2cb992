//! The `netra` binary: `serve` (default), `migrate`, `check-content`, `coverage`, `questions`,
//! `user`, `roster`, `backup`. See [`server::cli::run`].

fn main() -> std::process::ExitCode {
    server::cli::run::main()
}
