//! The `netra` command line, built inside the test package so integration tests can start it as
//! a real child process (and kill it with SIGKILL): Cargo hands tests the path of their own
//! package's binaries only.

fn main() -> std::process::ExitCode {
    server::cli::run::main()
}
