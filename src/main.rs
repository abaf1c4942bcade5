use clap::Parser;

// Why not the system allocator: see Cargo.toml.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = seloste::cli::Cli::parse();
    std::process::exit(seloste::cli::run(cli));
}
