//! The `ges-stop` command line.

fn main() -> std::process::ExitCode {
    ges_stop::main()
}
