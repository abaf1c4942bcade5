//! The command line: `seloste check | sections | rules | explain`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::ColorChoice;

use crate::engine::config::Config;
use crate::engine::{catalogue, Engine, Severity};
use crate::lint::{FileReport, Linter};
use crate::parse::Format;
use crate::report::{self, FileError};

/// Default file extensions read when walking a directory.
pub const DEFAULT_EXTENSIONS: &[&str] = &["html", "htm", "xhtml", "md", "markdown", "txt"];

#[derive(Parser, Debug)]
#[command(
    name = "seloste",
    version,
    about = "Lints website privacy notices (tietosuojaseloste) against GDPR Art. 13/14"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check notices and report findings.
    Check(CheckArgs),
    /// Print the sections seloste finds (heading, keys, position, first words).
    Sections(SectionsArgs),
    /// List the rule catalogue.
    Rules(RulesArgs),
    /// Measure precision and recall against a labelled folder
    /// (labels.json + notices; format in the corpus' TAXONOMY.md).
    Accuracy(AccuracyArgs),
    /// Write an audit report (HTML or Markdown) over many notices.
    Report(ReportArgs),
    /// Print a rule's documentation and examples.
    Explain {
        rule: String,
        #[arg(long, default_value = "fi")]
        lang: String,
    },
    /// Run the language server on stdin/stdout (editor set-up: README "Editors").
    Lsp,
}

#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Files or directories; `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The name (and so the format) of standard input.
    #[arg(long)]
    pub stdin_filename: Option<String>,
    /// Force the input format instead of detecting it.
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,
    /// Extra file extensions to read when walking directories (e.g. php,jsx).
    #[arg(long, value_delimiter = ',')]
    pub extensions: Vec<String>,
    /// Files larger than this many bytes are refused.
    #[arg(long, default_value_t = 50 * 1024 * 1024)]
    pub max_file_size: u64,
    /// For URLs: give up after this long (seconds, or e.g. 500ms).
    #[arg(long, default_value = "10", value_parser = crate::fetch::parse_timeout)]
    pub timeout: std::time::Duration,
    /// For URLs: pages larger than this many bytes are refused.
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    pub max_fetch_size: u64,
}

impl InputArgs {
    fn fetch_options(&self) -> crate::fetch::FetchOptions {
        crate::fetch::FetchOptions {
            timeout: self.timeout,
            max_size: self.max_fetch_size,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum InputFormat {
    Html,
    Markdown,
    Text,
}

impl From<InputFormat> for Format {
    fn from(f: InputFormat) -> Format {
        match f {
            InputFormat::Html => Format::Html,
            InputFormat::Markdown => Format::Markdown,
            InputFormat::Text => Format::Text,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
    Github,
    Concise,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// Exit with 1 when a finding at or above this severity is found.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Message language: fi, en or sv.
    #[arg(long)]
    pub lang: Option<String>,
    /// Extra rule folder (adds to or overrides the built-in catalogue).
    #[arg(long)]
    pub rules: Vec<PathBuf>,
    /// Only these rules or categories.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules or categories.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Use this config file instead of looking for seloste.toml.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Do not read any seloste.toml.
    #[arg(long)]
    pub no_config: bool,
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Lint every page found in folders, not only the privacy notices
    /// (chosen by file name, title or headings; see README "Whole sites").
    #[arg(long)]
    pub all: bool,
    /// Report only findings that are not in this file; if it does not exist,
    /// write today's findings to it and pass.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SectionsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
}

#[derive(Args, Debug)]
pub struct AccuracyArgs {
    /// Folders with labels.json (and notices/ or the notices beside it).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// List every disagreement.
    #[arg(long, short)]
    pub verbose: bool,
    /// Exit 1 if overall precision (gaps and findings) is below this.
    #[arg(long)]
    pub min_precision: Option<f64>,
    /// Exit 1 if overall recall (gaps and findings) is below this.
    #[arg(long)]
    pub min_recall: Option<f64>,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    #[arg(long, default_value = "fi")]
    pub lang: String,
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
}

/// An input to lint: a file named or found in a folder, standard input, or
/// a URL.
#[derive(Debug, Clone)]
enum Input {
    /// Named on the command line: always linted.
    File(PathBuf),
    /// Found by walking the folder `root` (as given): `check` lints it only
    /// when it looks like a privacy notice, unless `--all`.
    Walked {
        path: PathBuf,
        /// Shared by the folder's files: each had a copy of its own, and the
        /// batch loop compared folders by their components.
        root: std::sync::Arc<Path>,
    },
    Stdin(String),
    Url(String),
}

impl Input {
    fn name(&self) -> String {
        match self {
            // A UTF-8 path as it is, which is what `display` writes for it
            // (through the formatting machinery: ~1,100 instructions a file).
            Input::File(p) | Input::Walked { path: p, .. } => match p.to_str() {
                Some(s) => s.to_owned(),
                None => p.display().to_string(),
            },
            Input::Stdin(n) => n.clone(),
            Input::Url(u) => u.clone(),
        }
    }
}

/// Expands paths into inputs; errors are per path and do not stop the rest.
fn collect_inputs(args: &InputArgs, errors: &mut Vec<FileError>) -> Vec<Input> {
    let mut exts: Vec<String> = DEFAULT_EXTENSIONS.iter().map(|s| s.to_string()).collect();
    exts.extend(
        args.extensions
            .iter()
            .map(|e| e.trim_start_matches('.').to_ascii_lowercase()),
    );
    let mut out = Vec::new();
    for p in &args.paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin(
                args.stdin_filename
                    .clone()
                    .unwrap_or_else(|| "<stdin>".into()),
            ));
            continue;
        }
        if let Some(url) = p.to_str().filter(|s| crate::fetch::looks_like_url(s)) {
            match crate::fetch::check_scheme(url) {
                Ok(()) => out.push(Input::Url(url.to_string())),
                Err(message) => errors.push(FileError {
                    path: url.to_string(),
                    message,
                }),
            }
            continue;
        }
        match std::fs::metadata(p) {
            Err(e) => errors.push(FileError {
                path: p.display().to_string(),
                message: io_reason(&e),
            }),
            Ok(m) if m.is_dir() => {
                let before = out.len();
                let root = std::sync::Arc::from(p.as_path());
                walk(&root, p, &exts, &mut out, errors, &mut Vec::new());
                if out.len() == before {
                    errors.push(FileError {
                        path: p.display().to_string(),
                        message: format!(
                            "no notices in this directory (looked for .{})",
                            exts.join(", .")
                        ),
                    });
                }
            }
            Ok(_) => out.push(Input::File(p.clone())),
        }
    }
    out
}

fn walk(
    root: &std::sync::Arc<Path>,
    dir: &Path,
    exts: &[String],
    out: &mut Vec<Input>,
    errors: &mut Vec<FileError>,
    seen: &mut Vec<PathBuf>,
) {
    // Symlink loops: never enter the same real directory twice.
    let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if seen.contains(&real) {
        return;
    }
    seen.push(real);
    // With the entry's type from the directory listing: a stat per file
    // only for links (followed) and file systems that do not say.
    let mut entries: Vec<(PathBuf, Option<std::fs::FileType>)> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| (e.path(), e.file_type().ok())))
            .collect(),
        Err(e) => {
            errors.push(FileError {
                path: dir.display().to_string(),
                message: io_reason(&e),
            });
            return;
        }
    };
    // One directory's entries share their parent, so the order of the
    // whole paths' bytes is that of their names, which is `Path`'s order
    // (comparing `Path`s splits both into components first: 5 M
    // instructions to sort a directory of 1,000 notices).
    entries.sort_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
    for (p, file_type) in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "node_modules" || name == "target" {
            continue;
        }
        let kind = match file_type {
            Some(t) if t.is_dir() || t.is_file() => Ok((t.is_dir(), t.is_file())),
            _ => std::fs::metadata(&p).map(|m| (m.is_dir(), m.is_file())),
        };
        match kind {
            Ok((true, _)) => walk(root, &p, exts, out, errors, seen),
            // Not FIFOs, sockets or devices found in a tree: opening a FIFO
            // blocks until something writes to it.
            Ok((_, true)) => {
                // `exts` are lowercase: the same test as comparing the
                // extension lowercased, without a `String` a file.
                let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
                if exts.iter().any(|e| e.eq_ignore_ascii_case(ext)) {
                    out.push(Input::Walked {
                        path: p,
                        root: std::sync::Arc::clone(root),
                    });
                }
            }
            Ok(_) => {}
            Err(e) => errors.push(FileError {
                path: p.display().to_string(),
                message: io_reason(&e),
            }),
        }
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// An input's bytes, with what an HTTP response said about them.
struct Loaded {
    /// The bytes are `buf[..len]`; a file's buffer is reused (see
    /// `Drop for Loaded`) and only its first `len` bytes are this file.
    buf: Vec<u8>,
    len: usize,
    /// The Content-Type charset (URLs only).
    charset: Option<String>,
    /// The format the Content-Type names (URLs only).
    format: Option<Format>,
}

/// Each worker's file buffer is reused from file to file with its bytes
/// left in place: allocating and zeroing a new buffer for every file
/// (then freeing it) cost ~30,000 instructions a notice, more than
/// reading it. Its length is how much of it has been written, so only
/// growth is zeroed. The buffer is the thread's spare in `source`: a UTF-8
/// file's buffer becomes its text, and recycling the text gives it back.
impl Drop for Loaded {
    fn drop(&mut self) {
        if !self.buf.is_empty() {
            crate::source::keep_spare_bytes(std::mem::take(&mut self.buf));
        }
    }
}

/// Reads until the end or until one byte past `max` into `buf` from its
/// start, returning how many bytes were read. `buf`'s length is what of it
/// is already initialized: it grows (zeroed) only when the file does not
/// fit, and `size` (from the metadata) sizes it for one read and the read
/// that says the file ended (`read_to_end` through `Take` read in 8 KB
/// pieces).
fn read_bounded(
    mut file: std::fs::File,
    buf: &mut Vec<u8>,
    size: u64,
    max: u64,
) -> std::io::Result<usize> {
    let limit = usize::try_from(max.saturating_add(1)).unwrap_or(usize::MAX);
    let first = usize::try_from(size.saturating_add(1))
        .unwrap_or(usize::MAX)
        .min(limit);
    if buf.len() < first {
        buf.resize(first, 0);
    }
    let mut filled = 0;
    loop {
        if filled >= limit {
            return Ok(filled);
        }
        if filled == buf.len() {
            buf.resize(buf.len() + 8192.min(limit - buf.len()), 0);
        }
        let end = buf.len().min(limit);
        match file.read(&mut buf[filled..end]) {
            Ok(0) => return Ok(filled),
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

fn load(input: &Input, args: &InputArgs) -> Result<Loaded, String> {
    let max = args.max_file_size;
    let bytes = match input {
        Input::Stdin(_) => {
            let mut buf = Vec::new();
            std::io::stdin()
                .take(max.saturating_add(1))
                .read_to_end(&mut buf)
                .map_err(|e| io_reason(&e))?;
            if buf.len() as u64 > max {
                return Err(format!("standard input is over the limit of {max} bytes (raise it with --max-file-size)"));
            }
            buf
        }
        Input::File(p) | Input::Walked { path: p, .. } => {
            // Opened first and sized from the open file: one path lookup.
            let file = std::fs::File::open(p).map_err(|e| io_reason(&e))?;
            let meta = file.metadata().map_err(|e| io_reason(&e))?;
            if meta.len() > max {
                return Err(crate::source::SourceError::TooLarge {
                    size: meta.len(),
                    limit: max,
                }
                .to_string());
            }
            // Bounded: a device or pipe (`/dev/zero`, `<(curl ...)`) has no
            // size in its metadata and would be read until memory runs out.
            let buf = crate::source::take_spare_bytes();
            let mut loaded = Loaded {
                buf,
                len: 0,
                charset: None,
                format: None,
            };
            loaded.len = read_bounded(file, &mut loaded.buf, meta.len().min(max), max)
                .map_err(|e| io_reason(&e))?;
            if loaded.len as u64 > max {
                return Err(format!(
                    "the file is over the limit of {max} bytes (raise it with --max-file-size)"
                ));
            }
            return Ok(loaded);
        }
        Input::Url(u) => {
            let f = crate::fetch::fetch(u, &args.fetch_options())?;
            return Ok(Loaded {
                len: f.bytes.len(),
                buf: f.bytes,
                format: f
                    .mime_type
                    .as_deref()
                    .and_then(crate::fetch::format_for_mime),
                charset: f.charset,
            });
        }
    };
    Ok(Loaded {
        len: bytes.len(),
        buf: bytes,
        charset: None,
        format: None,
    })
}

impl Loaded {
    /// Decodes the bytes, handing the buffer over: a UTF-8 file's buffer
    /// becomes its text instead of being copied, and comes back as the
    /// spare buffer when the text is recycled.
    fn decode(&mut self) -> Result<crate::source::SourceText, String> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.truncate(self.len);
        crate::source_http::decode_buffer_with_charset(buf, self.charset.as_deref())
            .map_err(|e| e.to_string())
    }
}

/// `path.strip_prefix(parent).ok()`, by bytes when `path` is `parent`, a
/// slash and a rest that [`Path::strip_prefix`] would give back as it is
/// (every walked file: the walk joins names onto the root): the component
/// by component comparison was ~2,000 instructions a file.
fn strip_parent<'a>(path: &'a Path, parent: &Path) -> Option<&'a Path> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let (p, pre) = (path.as_os_str().as_bytes(), parent.as_os_str().as_bytes());
        if !pre.is_empty() && p.len() > pre.len() + 1 && p.starts_with(pre) && p[pre.len()] == b'/'
        {
            let rest = &p[pre.len() + 1..];
            // `strip_prefix` trims separators and `.` components at the
            // ends of what it gives.
            let trimmed = rest.starts_with(b"/")
                || rest.starts_with(b"./")
                || rest == b"."
                || rest.ends_with(b"/")
                || rest.ends_with(b"/.");
            if !trimmed {
                return Some(Path::new(std::ffi::OsStr::from_bytes(rest)));
            }
        }
    }
    path.strip_prefix(parent).ok()
}

/// Reads, decodes and lints one input.
fn lint_input(linter: &Linter, input: &Input, args: &InputArgs) -> Result<FileReport, FileError> {
    let name = input.name();
    let err = |message| FileError {
        path: name.clone(),
        message,
    };
    let mut loaded = load(input, args).map_err(err)?;
    let source = loaded.decode().map_err(err)?;
    let format = args.input_format.map(Format::from).or(loaded.format);
    Ok(linter.lint_source(&name, source, format))
}

/// Lints inputs on `threads` workers; results come back in input order.
fn lint_all(
    linter: &Linter,
    inputs: &[Input],
    args: &InputArgs,
    threads: usize,
) -> Vec<Result<FileReport, FileError>> {
    let one = |input: &Input| lint_input(linter, input, args);
    let threads = threads.max(1).min(inputs.len().max(1));
    if threads == 1 {
        return inputs.iter().map(one).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut slots: Vec<Option<Result<FileReport, FileError>>> = Vec::new();
    slots.resize_with(inputs.len(), || None);
    let slots = std::sync::Mutex::new(slots);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= inputs.len() {
                    break;
                }
                let r = one(&inputs[i]);
                slots.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(r);
            });
        }
    });
    slots
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| {
                Err(FileError {
                    path: String::new(),
                    message: "internal error: file was not linted".into(),
                })
            })
        })
        .collect()
}

fn build_linter(args: &CheckArgs) -> Result<(Linter, Option<Config>), Vec<String>> {
    let mut config = if args.no_config {
        None
    } else if let Some(p) = &args.config {
        Some(Config::load(p).map_err(|e| vec![e])?)
    } else {
        let start = args
            .input
            .paths
            .iter()
            .find(|p| p.as_os_str() != "-")
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        let start = std::fs::canonicalize(&start).unwrap_or(start);
        match Config::find(&start) {
            Some(p) => Some(Config::load(&p).map_err(|e| vec![e])?),
            None => None,
        }
    };
    let mut cfg = config.clone().unwrap_or_default();
    // CLI flags override the file.
    cfg.rules.extend(args.rules.iter().map(|p| {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or(p.clone())
    }));
    if !args.select.is_empty() {
        cfg.select = args.select.clone();
    }
    cfg.ignore.extend(args.ignore.iter().cloned());
    if let Some(l) = &args.lang {
        cfg.lang = Some(l.clone());
    }
    let engine = cfg.apply(catalogue::builtin())?;
    // Not Linter::builtin(): that would compile the whole catalogue a
    // second time only to replace it (about a third of start-up).
    let mut linter = Linter {
        engine,
        headings: crate::schema::HeadingTable::builtin(),
        options: crate::engine::Options::default(),
    };
    linter.options.lang = cfg.lang.clone().unwrap_or_else(|| "fi".into());
    if let Some(c) = config.as_mut() {
        c.lang = cfg.lang.clone();
        c.fail_on = c.fail_on.clone();
    }
    Ok((linter, Some(cfg)))
}

fn fail_threshold(args: &CheckArgs, cfg: Option<&Config>) -> Result<Option<Severity>, String> {
    let fail = match args.fail_on {
        Some(f) => f,
        None => match cfg.and_then(|c| c.fail_on.as_deref()) {
            None | Some("warning") => FailOn::Warning,
            Some("error") => FailOn::Error,
            Some("info") => FailOn::Info,
            Some("never") => FailOn::Never,
            Some(other) => {
                return Err(format!(
                    "fail-on must be error, warning, info or never, not `{other}`"
                ))
            }
        },
    };
    Ok(match fail {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    })
}

fn color_choice(c: Color) -> ColorChoice {
    match c {
        Color::Always => ColorChoice::Always,
        Color::Never => ColorChoice::Never,
        Color::Auto => {
            if std::io::IsTerminal::is_terminal(&std::io::stdout())
                && std::env::var_os("NO_COLOR").is_none()
            {
                ColorChoice::Auto
            } else {
                ColorChoice::Never
            }
        }
    }
}

/// Runs the CLI; returns the exit status.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Sections(args) => sections(args),
        Command::Rules(args) => rules(args),
        Command::Explain { rule, lang } => explain(&rule, &lang),
        Command::Accuracy(args) => accuracy(args),
        Command::Lsp => crate::lsp::run(),
        Command::Report(args) => report_cmd(args),
    }
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the report to this file (default: standard output).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// html (self-contained, printable) or markdown; default from the
    /// output file's extension, else html.
    #[arg(long, value_enum)]
    pub format: Option<report::audit::AuditFormat>,
    /// Report language.
    #[arg(long, value_enum, default_value = "fi")]
    pub lang: report::audit::Lang,
}

/// `seloste report`: lints everything, then writes one audit report. Exit 0
/// when written, 2 when a file could not be read (listed in the report too)
/// or the report could not be written.
fn report_cmd(args: ReportArgs) -> i32 {
    use report::audit::{self, AuditFormat};
    let mut linter = Linter::builtin();
    linter.options.lang = args.lang.code().into();
    let mut errors = Vec::new();
    let inputs = collect_inputs(&args.input, &mut errors);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut files = Vec::new();
    for r in lint_all(&linter, &inputs, &args.input, threads) {
        match r {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    eprint_errors(&errors);
    if files.is_empty() {
        eprintln!("error: no notices to report on");
        return 2;
    }
    let format = args.format.unwrap_or_else(|| {
        args.output
            .as_deref()
            .map_or(AuditFormat::Html, AuditFormat::for_path)
    });
    let text = audit::render(format, &files, &errors, &linter.engine, args.lang);
    let written = match &args.output {
        Some(p) => std::fs::write(p, text).map_err(|e| format!("{}: {e}", p.display())),
        None => write!(std::io::stdout().lock(), "{text}").map_err(|e| e.to_string()),
    };
    if let Err(e) = written {
        eprintln!("error: cannot write the report: {e}");
        return 2;
    }
    i32::from(!errors.is_empty()) * 2
}

fn accuracy(args: AccuracyArgs) -> i32 {
    let linter = Linter::builtin();
    let mut status = 0;
    for dir in &args.dirs {
        let scores = match crate::accuracy::score_dir(&linter, dir) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        };
        println!("== {}", dir.display());
        print!("{}", crate::accuracy::render(&scores, args.verbose));
        for (what, c) in [
            ("gaps", scores.elements_total()),
            ("findings", scores.findings_total()),
        ] {
            if let Some(p) = args.min_precision {
                if c.precision() < p {
                    eprintln!(
                        "accuracy: {what} precision {:.3} is below the floor {p}",
                        c.precision()
                    );
                    status = 1;
                }
            }
            if let Some(r) = args.min_recall {
                if c.recall() < r {
                    eprintln!(
                        "accuracy: {what} recall {:.3} is below the floor {r}",
                        c.recall()
                    );
                    status = 1;
                }
            }
        }
    }
    status
}

fn eprint_errors(errors: &[FileError]) {
    for e in errors {
        eprintln!("error: {}: {}", e.path, e.message);
    }
}

/// What became of one input in `check`.
enum Outcome {
    Linted(Box<FileReport>, crate::site::Chosen),
    /// Found in a folder and not a privacy notice (no `--all`).
    Skipped,
    Failed(FileError),
}

/// Reads and lints one input, choosing first for pages found in folders.
fn outcome(linter: &Linter, input: &Input, args: &CheckArgs) -> Outcome {
    use crate::site::{self, Chosen};
    let name = input.name();
    let fail = |message| {
        Outcome::Failed(FileError {
            path: name.clone(),
            message,
        })
    };
    let (path, root) = match input {
        Input::Walked { path, root } if !args.all => (path, root),
        _ => {
            let chosen = if matches!(input, Input::Walked { .. }) {
                Chosen::All
            } else {
                Chosen::Named
            };
            return match lint_input(linter, input, &args.input) {
                Ok(f) => Outcome::Linted(Box::new(f), chosen),
                Err(e) => Outcome::Failed(e),
            };
        }
    };
    // The name as seen from the walked folder, the folder's own name
    // included (`seloste check public/tietosuoja/` finds index.html).
    let rel = root
        .parent()
        .and_then(|parent| strip_parent(path, parent))
        .unwrap_or(path);
    let listing = site::in_listing(rel);
    let by_name = !listing && site::named_as_notice(rel);
    let mut loaded = match load(input, &args.input) {
        Ok(l) => l,
        Err(e) if by_name => return fail(e),
        Err(_) => return Outcome::Skipped,
    };
    let source = match loaded.decode() {
        Ok(s) => s,
        Err(e) if by_name => return fail(e),
        Err(_) => return Outcome::Skipped,
    };
    let format = args.input.input_format.map(Format::from);
    if by_name {
        return Outcome::Linted(
            Box::new(linter.lint_source(&name, source, format)),
            Chosen::Name,
        );
    }
    if let Some(t) = site::titles(&name, &source.text)
        .into_iter()
        .find(|t| !listing && site::title_says_notice(t))
    {
        return Outcome::Linted(
            Box::new(linter.lint_source(&name, source, format)),
            Chosen::Title(t),
        );
    }
    // Headings: parse once; lint the same notice if it is one.
    let format = format.unwrap_or_else(|| Linter::detect_format(&name, &source.text));
    let notice = linter.notice(&source.text, format);
    let n = site::heading_elements(&notice);
    if n < site::MIN_HEADING_ELEMENTS {
        return Outcome::Skipped;
    }
    let result = linter.engine.lint(&notice, &source.text, &linter.options);
    let language = result.language;
    Outcome::Linted(
        Box::new(FileReport {
            path: name,
            format,
            language,
            source,
            notice,
            result,
        }),
        Chosen::Headings(n),
    )
}

/// Settings shared by the workers of one `check` run.
struct CheckRun<'a> {
    linter: &'a Linter,
    args: &'a CheckArgs,
    lang: String,
    color: bool,
    threshold: Option<Severity>,
    /// Known findings (`--baseline` that exists).
    known: Option<std::collections::BTreeSet<(String, String)>>,
    /// Collect today's findings (`--baseline` that does not exist yet).
    record: bool,
}

/// One input, linted and rendered: all the main thread keeps of it.
#[derive(Default)]
struct Done<'a> {
    /// Output pieces in order (JSON: one file; SARIF: one file's results,
    /// none for a file without any).
    items: Vec<String>,
    error: Option<FileError>,
    totals: report::Totals,
    failed: bool,
    chosen: Option<(String, crate::site::Chosen)>,
    skipped: Option<(String, PathBuf)>,
    /// Borrowed from the input, not cloned: the clone's atomic increment
    /// (and the decrement when the main thread dropped it) was about a
    /// third of `process`'s own samples in a profile.
    walked_root: Option<&'a std::sync::Arc<Path>>,
    baseline: Vec<crate::baseline::Entry>,
    hidden: usize,
}

impl CheckRun<'_> {
    /// With `out`, a JSON entry or SARIF results are written there instead
    /// of into `items`.
    fn process<'i>(&self, input: &'i Input, out: Option<&mut Out>) -> Done<'i> {
        let mut done = Done {
            walked_root: match input {
                Input::Walked { root, .. } => Some(root),
                _ => None,
            },
            ..Done::default()
        };
        let (mut f, chosen) = match outcome(self.linter, input, self.args) {
            Outcome::Linted(f, c) => (f, c),
            Outcome::Skipped => {
                done.skipped = Some((
                    input.name(),
                    done.walked_root
                        .map(|r| r.to_path_buf())
                        .unwrap_or_default(),
                ));
                return done;
            }
            Outcome::Failed(e) => {
                done.error = Some(e);
                return done;
            }
        };
        if self.record {
            done.baseline = crate::baseline::entries(std::slice::from_ref(&f));
            done.hidden = f.result.diagnostics.len();
            f.result.diagnostics.clear();
        } else if let Some(known) = &self.known {
            done.hidden = crate::baseline::apply(std::slice::from_mut(&mut *f), known);
        }
        done.totals = report::totals(std::slice::from_ref(&f), &[]);
        done.failed = self
            .threshold
            .is_some_and(|t| f.result.diagnostics.iter().any(|d| d.severity >= t));
        if matches!(input, Input::Walked { .. }) {
            done.chosen = Some((f.path.clone(), chosen.clone()));
        }
        match out {
            Some(out) if self.args.format == OutputFormat::Json => {
                if let Some(buf) = out.json_entry() {
                    report::json::write_file(buf, &f, (chosen.by(), &chosen.detail()), 2);
                }
            }
            Some(out) if self.args.format == OutputFormat::Sarif => out.sarif_results(|buf| {
                report::sarif::write_file_results(buf, &f, &self.linter.engine)
            }),
            // The line formats need no separator between files.
            Some(out) => out.text(|buf| self.render_text(buf, &f)),
            None => done.items = self.render(&f, &chosen),
        }
        f.notice.recycle();
        f.source.recycle();
        done
    }

    /// A file's findings in a line format (human, github, concise),
    /// appended to `out`.
    fn render_text(&self, out: &mut String, f: &FileReport) {
        let files = std::slice::from_ref(f);
        match self.args.format {
            OutputFormat::Human => report::human::render_into(out, f, &self.lang, self.color),
            OutputFormat::Github => report::github::render_into(out, files),
            OutputFormat::Concise => report::concise::render_into(out, files),
            // Written with their separators (`Out::json_entry`,
            // `Out::sarif_results`, `render`), never here.
            OutputFormat::Json | OutputFormat::Sarif => {}
        }
    }

    fn render(&self, f: &FileReport, chosen: &crate::site::Chosen) -> Vec<String> {
        match self.args.format {
            OutputFormat::Json => {
                let mut text = String::from("\n    ");
                report::json::write_file(&mut text, f, (chosen.by(), &chosen.detail()), 2);
                vec![text]
            }
            OutputFormat::Sarif => {
                let mut text = String::new();
                report::sarif::write_file_results(&mut text, f, &self.linter.engine);
                if text.is_empty() {
                    Vec::new()
                } else {
                    vec![text]
                }
            }
            OutputFormat::Human | OutputFormat::Github | OutputFormat::Concise => {
                let mut text = String::new();
                self.render_text(&mut text, f);
                vec![text]
            }
        }
    }
}

/// Writes the pieces in input order, with the separators JSON needs.
struct Out {
    /// Output not yet written. Our own buffer rather than a `BufWriter`'s,
    /// so that one thread can render a file's JSON straight into it (a
    /// copy of each 5–7 KB entry and its fresh allocation saved).
    buf: String,
    w: std::io::StdoutLock<'static>,
    format: OutputFormat,
    any: bool,
    err: Option<std::io::Error>,
}

impl Out {
    /// Written out when this much is buffered.
    const FLUSH_AT: usize = 1 << 16;

    fn raw(&mut self, s: &str) {
        if self.err.is_none() {
            self.buf.push_str(s);
            self.spill();
        }
    }

    /// Writes the buffer out once it is full.
    fn spill(&mut self) {
        if self.buf.len() >= Self::FLUSH_AT {
            self.write_buf();
        }
    }

    fn write_buf(&mut self) {
        if self.err.is_none() {
            if let Err(e) = self.w.write_all(self.buf.as_bytes()) {
                self.err = Some(e);
            }
        }
        self.buf.clear();
    }

    fn flush(&mut self) {
        self.write_buf();
        if self.err.is_none() {
            if let Err(e) = self.w.flush() {
                self.err = Some(e);
            }
        }
    }

    /// Where the next JSON file entry goes, separator and indentation
    /// written; `None` once writing has failed.
    fn json_entry(&mut self) -> Option<&mut String> {
        if self.err.is_some() {
            return None;
        }
        self.buf
            .push_str(if self.any { ",\n    " } else { "\n    " });
        self.any = true;
        Some(&mut self.buf)
    }

    /// One file's SARIF results, written by `write` straight into the
    /// buffer (as JSON entries are), after the separator when results came
    /// before; nothing for a file without any.
    fn sarif_results(&mut self, write: impl FnOnce(&mut String)) {
        if self.err.is_some() {
            return;
        }
        let at = self.buf.len();
        if self.any {
            self.buf.push_str(report::sarif::SEPARATOR);
        }
        let from = self.buf.len();
        write(&mut self.buf);
        if self.buf.len() == from {
            self.buf.truncate(at);
        } else {
            self.any = true;
        }
    }

    /// One file's findings in a line format, written by `write` straight
    /// into the buffer (as JSON entries are: a copy and an allocation a
    /// file saved).
    fn text(&mut self, write: impl FnOnce(&mut String)) {
        if self.err.is_none() {
            write(&mut self.buf);
        }
    }

    fn item(&mut self, s: &str) {
        if matches!(self.format, OutputFormat::Json | OutputFormat::Sarif) && self.any {
            self.raw(",");
        }
        self.raw(s);
        self.any = true;
    }
}

fn check(args: CheckArgs) -> i32 {
    let (linter, cfg) = match build_linter(&args) {
        Ok(x) => x,
        Err(errs) => {
            for e in errs {
                eprintln!("error: {e}");
            }
            return 2;
        }
    };
    // The process exits right after: freeing the catalogue's thousands of
    // allocations one by one took about 0.4 ms of a 12 ms run.
    let linter = std::mem::ManuallyDrop::new(linter);
    let threshold = match fail_threshold(&args, cfg.as_ref()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let (known, record) = match &args.baseline {
        Some(p) if p.exists() => match crate::baseline::read(p) {
            Ok(k) => (Some(k), false),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        },
        Some(_) => (None, true),
        None => (None, false),
    };
    let mut errors = Vec::new();
    let inputs = collect_inputs(&args.input, &mut errors);
    eprint_errors(&errors);
    let threads = args
        .threads
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .max(1)
        .min(inputs.len().max(1));
    let lang = linter.options.lang.clone();
    let color =
        args.format == OutputFormat::Human && color_choice(args.color) != ColorChoice::Never;
    let run = CheckRun {
        linter: &linter,
        args: &args,
        lang: lang.clone(),
        color,
        threshold,
        known,
        record,
    };

    let mut out = Out {
        // Room for a full buffer and the entry that fills it.
        buf: String::with_capacity(Out::FLUSH_AT + (1 << 16)),
        w: std::io::stdout().lock(),
        format: args.format,
        any: false,
        err: None,
    };
    match args.format {
        OutputFormat::Json => out.raw("{\n  \"version\": 1,\n  \"files\": ["),
        OutputFormat::Sarif => out.raw(&report::sarif::open(&linter.engine, &lang)),
        _ => {}
    }

    let mut totals = report::Totals::default();
    let mut failed = false;
    let mut chosen: Vec<(String, crate::site::Chosen)> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    // Per walked folder: how many pages were found and how many chosen.
    let mut roots: Vec<(std::sync::Arc<Path>, usize, usize)> = Vec::new();
    let mut baseline_entries = Vec::new();
    let mut hidden = 0;
    let human = args.format == OutputFormat::Human;
    let mut take = |done: Done, out: &mut Out, errors: &mut Vec<FileError>| {
        for it in &done.items {
            out.item(it);
        }
        if let Some(e) = done.error {
            eprintln!("error: {}: {}", e.path, e.message);
            errors.push(e);
        }
        totals.files += usize::from(done.totals.files > 0);
        totals.errors += done.totals.errors;
        totals.warnings += done.totals.warnings;
        totals.infos += done.totals.infos;
        totals.suppressed += done.totals.suppressed;
        failed |= done.failed;
        hidden += done.hidden;
        baseline_entries.extend(done.baseline);
        if let Some(root) = done.walked_root {
            let picked = usize::from(done.skipped.is_none());
            // The same folder's files share one `Arc`.
            match roots
                .iter_mut()
                .find(|r| std::sync::Arc::ptr_eq(&r.0, root) || r.0 == *root)
            {
                Some(r) => {
                    r.1 += 1;
                    r.2 += picked;
                }
                None => roots.push((root.clone(), 1, picked)),
            }
        }
        if let Some(c) = done.chosen {
            chosen.push(c);
        }
        if let Some((p, _)) = done.skipped {
            skipped.push(p);
        }
    };

    if threads <= 1 {
        for input in &inputs {
            // One thread: every format goes straight into the output buffer.
            let done = run.process(input, Some(&mut out));
            out.spill();
            take(done, &mut out, &mut errors);
        }
    } else {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let next = AtomicUsize::new(0);
        let written = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        // Workers stay at most this far ahead of the writer, so memory does
        // not grow with the number of files when one file is slow.
        let window = 64 * threads;
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Done<'_>)>();
        std::thread::scope(|s| {
            for _ in 0..threads {
                let tx = tx.clone();
                let (next, written, stop, run, inputs) = (&next, &written, &stop, &run, &inputs);
                s.spawn(move || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= inputs.len() || stop.load(Ordering::Relaxed) {
                        break;
                    }
                    while i >= written.load(Ordering::Acquire) + window {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                    if tx.send((i, run.process(&inputs[i], None))).is_err() {
                        break;
                    }
                });
            }
            drop(tx);
            let mut pending = std::collections::BTreeMap::new();
            let mut want = 0;
            for (i, done) in rx {
                pending.insert(i, done);
                while let Some(done) = pending.remove(&want) {
                    take(done, &mut out, &mut errors);
                    want += 1;
                    written.store(want, Ordering::Release);
                }
                if out.err.is_some() {
                    stop.store(true, Ordering::Relaxed);
                    written.store(usize::MAX / 2, Ordering::Release);
                }
            }
        });
    }

    // Folders where nothing looked like a notice.
    for (root, found, picked) in &roots {
        if *picked == 0 && *found > 0 && !args.all {
            let e = FileError {
                path: root.display().to_string(),
                message: format!(
                    "none of the {found} pages found here looks like a privacy notice (by file name, title or headings); name the notice files, or lint every page with --all"
                ),
            };
            eprintln!("error: {}: {}", e.path, e.message);
            errors.push(e);
        }
    }
    totals.unreadable = errors.len();

    // What was written so far goes out before the stderr notes below, so a
    // terminal shows them after the findings.
    out.flush();
    let mut summary_extra = String::new();
    if let Some(p) = &args.baseline {
        if record {
            if let Err(e) = crate::baseline::write(p, &baseline_entries) {
                eprintln!("error: {e}");
                return 2;
            }
            eprintln!(
                "baseline: wrote {} finding(s) to {}; later runs report only new ones",
                baseline_entries.len(),
                p.display()
            );
        } else {
            eprintln!(
                "baseline: {hidden} known finding(s) hidden ({})",
                p.display()
            );
        }
        summary_extra = format!(", {hidden} hidden by the baseline");
    }
    if human && !skipped.is_empty() {
        eprintln!("{}", selection_line(&chosen, skipped.len()));
    }

    match args.format {
        OutputFormat::Human => {
            let line = report::human::summary(&totals, &errors, &lang);
            out.raw(&format!("{line}{summary_extra}\n"));
        }
        OutputFormat::Json => {
            let pretty = |v: serde_json::Value| {
                report::sarif::indent(&serde_json::to_string_pretty(&v).unwrap_or_default(), 2)
            };
            let errs = serde_json::json!(errors
                .iter()
                .map(|e| serde_json::json!({"path": e.path, "message": e.message}))
                .collect::<Vec<_>>());
            let summary = serde_json::json!({
                "files": totals.files,
                "unreadable": totals.unreadable,
                "errors": totals.errors,
                "warnings": totals.warnings,
                "infos": totals.infos,
                "suppressed": totals.suppressed,
                "skipped": skipped.len(),
                "baseline_hidden": hidden,
            });
            let close = format!(
                "{}],\n  \"errors\": {},\n  \"skipped\": {},\n  \"summary\": {}\n}}\n",
                if out.any { "\n  " } else { "" },
                pretty(errs),
                pretty(serde_json::json!(skipped)),
                pretty(summary)
            );
            out.raw(&close);
        }
        OutputFormat::Sarif => {
            let close = report::sarif::close(out.any, &errors);
            out.raw(&close);
        }
        OutputFormat::Github => {
            let mut s = String::new();
            for e in &errors {
                s.push_str(&report::github::file_error(e));
            }
            out.raw(&s);
        }
        OutputFormat::Concise => {}
    }
    out.flush();
    if let Some(e) = out.err {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write output: {e}");
            return 2;
        }
    }
    if !errors.is_empty() {
        return 2;
    }
    i32::from(failed)
}

/// The stderr line that says which pages of a site were chosen.
fn selection_line(chosen: &[(String, crate::site::Chosen)], skipped: usize) -> String {
    const SHOWN: usize = 10;
    let total = chosen.len() + skipped;
    let mut s = format!(
        "site: linting {} of {total} pages found in folders as privacy notices (--all lints every page)",
        chosen.len()
    );
    if !chosen.is_empty() {
        s.push_str(": ");
        let list: Vec<String> = chosen
            .iter()
            .take(SHOWN)
            .map(|(p, c)| format!("{p} ({})", c.detail()))
            .collect();
        s.push_str(&list.join(", "));
        if chosen.len() > SHOWN {
            s.push_str(&format!(" and {} more", chosen.len() - SHOWN));
        }
    }
    s
}

fn first_words(s: &str, n: usize) -> String {
    let mut out: String = s.split_whitespace().take(n).collect::<Vec<_>>().join(" ");
    if out.chars().count() > 60 {
        out = out.chars().take(57).collect::<String>() + "...";
    }
    out
}

fn sections(args: SectionsArgs) -> i32 {
    let linter = Linter::builtin();
    let mut errors = Vec::new();
    let inputs = collect_inputs(&args.input, &mut errors);
    let format = args.input.input_format.map(Format::from);
    let mut docs = Vec::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for input in &inputs {
        let name = input.name();
        let res = load(input, &args.input).and_then(|mut l| l.decode());
        let src = match res {
            Ok(s) => s,
            Err(message) => {
                errors.push(FileError {
                    path: name,
                    message,
                });
                continue;
            }
        };
        let fmt = format.unwrap_or_else(|| Linter::detect_format(&name, &src.text));
        let notice = linter.notice(&src.text, fmt);
        let lang = crate::lint::detect_language(&notice);
        if args.format == OutputFormat::Json {
            docs.push(report::json::notice(&name, &src, &notice, lang));
            continue;
        }
        let _ = writeln!(out, "{name} ({}, {})", fmt.name(), src.encoding);
        if let Some(t) = &notice.title {
            let _ = writeln!(out, "  title: {}", first_words(&t.raw.text, 12));
        }
        if let Some(d) = &notice.date {
            let _ = writeln!(
                out,
                "  date:  {} ({})",
                d.text,
                d.iso.as_deref().unwrap_or("?")
            );
        }
        for s in &notice.sections {
            let lc = src.line_col(s.heading_span.start);
            let keys = if s.keys.is_empty() {
                "other".to_string()
            } else {
                s.keys
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let _ = writeln!(
                out,
                "  {:>5}:{:<3} {:<45} {:<28} {}",
                lc.line,
                lc.column,
                first_words(&s.heading_text, 8),
                keys,
                first_words(&s.body.raw.text, 8)
            );
        }
    }
    if args.format == OutputFormat::Json {
        let v = serde_json::json!({"version": 1, "files": docs});
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
    }
    eprint_errors(&errors);
    if errors.is_empty() {
        0
    } else {
        2
    }
}

fn rules(args: RulesArgs) -> i32 {
    let engine = Engine::builtin();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.format == OutputFormat::Json {
        let v: Vec<_> = engine
            .rules
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "kind": r.kind_name, "category": r.category, "severity": r.severity.name(),
                    "element": r.element.map(|k| k.name()), "reference": r.reference,
                    "message": r.message, "help": r.help,
                })
            })
            .collect();
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
        return 0;
    }
    for r in &engine.rules {
        let _ = writeln!(
            out,
            "{:<46} {:<24} {:<8} {}",
            r.id,
            r.category,
            r.severity.name(),
            r.message(&args.lang)
        );
    }
    0
}

fn explain(id: &str, lang: &str) -> i32 {
    let engine = Engine::builtin();
    let Some(r) = engine.rule(id) else {
        eprintln!("error: no rule `{id}` (see `seloste rules`)");
        return 2;
    };
    let mut s = format!(
        "{} ({}, {}, {})\n\n{}\n",
        r.id,
        r.category,
        r.kind_name,
        r.severity.name(),
        r.message(lang)
    );
    if !r.help(lang).is_empty() {
        s += &format!("\n{}\n", r.help(lang));
    }
    if !r.docs.is_empty() {
        s += &format!("\n{}\n", r.docs.trim());
    }
    if !r.reference.is_empty() {
        s += &format!(
            "\n{}: {}\n",
            if lang == "en" {
                "Legal reference"
            } else {
                "Lainkohta"
            },
            r.reference
        );
    }
    if let Some(rep) = &r.replacement {
        s += &format!(
            "\n{}: {rep}\n",
            if lang == "en" {
                "Suggested replacement"
            } else {
                "Korvausehdotus"
            }
        );
    }
    for (label, list) in [("bad", &r.bad_examples), ("good", &r.good_examples)] {
        for e in list {
            s += &format!(
                "\n{label}:\n{}\n",
                e.lines()
                    .map(|l| format!("    {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
    s += &format!("\n(defined in {})\n", r.origin);
    print!("{s}");
    0
}

#[cfg(test)]
mod tests {
    /// `strip_parent` gives what `strip_prefix` gives, byte for byte, odd
    /// paths included.
    #[test]
    fn strip_parent_is_strip_prefix() {
        use std::path::Path;
        let names = [
            "",
            ".",
            "..",
            "/",
            "a",
            "ab",
            "a/",
            "a//",
            "./a",
            "a/.",
            "a/./b",
            "a//b",
            "/a",
            "/a/b",
            "tmp/c1k/osa-000",
            "tietosuoja",
            "x.html",
            "b/x.html",
            "b/./x.html/",
        ];
        for root in names {
            for file in names {
                for sep in ["/", "//", "/./"] {
                    let path_s = format!("{root}{sep}{file}");
                    let path = Path::new(&path_s);
                    let roots = [Path::new(root).to_path_buf(), Path::new(root).join(file)];
                    for r in &roots {
                        if let Some(parent) = r.parent() {
                            assert_eq!(
                                super::strip_parent(path, parent).map(Path::as_os_str),
                                path.strip_prefix(parent).ok().map(Path::as_os_str),
                                "{path:?} {parent:?}"
                            );
                        }
                        assert_eq!(
                            super::strip_parent(path, r).map(Path::as_os_str),
                            path.strip_prefix(r).ok().map(Path::as_os_str),
                            "{path:?} {r:?}"
                        );
                    }
                }
            }
        }
    }
}
