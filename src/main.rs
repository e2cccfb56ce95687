fn main() {
    std::process::exit(cable_archive::cli::main());
}
