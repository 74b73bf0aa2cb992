//! The `netra` binary: `serve` (default), `migrate`, `check-content`, `coverage`, `questions`,
//! `user`, `roster`, `backup`. See [`server::run`].

fn main() -> std::process::ExitCode {
    server::run::main()
}
