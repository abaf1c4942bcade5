//! Times loading the built-in catalogue and heading tables (start-up cost).
fn main() {
    let t = std::time::Instant::now();
    let e = seloste::engine::Engine::builtin();
    let a = t.elapsed();
    let h = seloste::schema::HeadingTable::builtin();
    let b = t.elapsed();
    println!("rules: {} in {:?}; headings +{:?}", e.rules.len(), a, b - a);
    drop(h);
    if std::env::args().any(|a| a == "--each") {
        for (name, src) in seloste::engine::catalogue::BUILTIN {
            let t = std::time::Instant::now();
            let _ = seloste::engine::catalogue::parse_rule_file(name, src);
            println!("{name}: {:?}", t.elapsed());
        }
    }
}
