use clap::Parser;

fn main() {
    let cli = seloste::cli::Cli::parse();
    std::process::exit(seloste::cli::run(cli));
}
