//! Shared by the examples that read a generated corpus.

/// Every notice file under `dir` (or `dir` itself when it is a file),
/// leaving out the generator's `.json` answer files.
pub fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e != "json") {
            out.push(p);
        }
    }
}
