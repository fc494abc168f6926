fn main() -> std::process::ExitCode {
    thema::cli::run()
}
