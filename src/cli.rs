//! The command line: `seloste check | sections | rules | explain`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

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

/// An input to lint: a path or standard input.
#[derive(Debug, Clone)]
enum Input {
    File(PathBuf),
    Stdin(String),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin(n) => n.clone(),
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
        match std::fs::metadata(p) {
            Err(e) => errors.push(FileError {
                path: p.display().to_string(),
                message: io_reason(&e),
            }),
            Ok(m) if m.is_dir() => {
                let before = out.len();
                walk(p, &exts, &mut out, errors, &mut Vec::new());
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
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            errors.push(FileError {
                path: dir.display().to_string(),
                message: io_reason(&e),
            });
            return;
        }
    };
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "node_modules" || name == "target" {
            continue;
        }
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => walk(&p, exts, out, errors, seen),
            // Not FIFOs, sockets or devices found in a tree: opening a FIFO
            // blocks until something writes to it.
            Ok(m) if m.is_file() => {
                let ext = p
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if exts.contains(&ext) {
                    out.push(Input::File(p));
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

fn read_input(input: &Input, max: u64) -> Result<Vec<u8>, String> {
    match input {
        Input::Stdin(_) => {
            let mut buf = Vec::new();
            std::io::stdin()
                .take(max.saturating_add(1))
                .read_to_end(&mut buf)
                .map_err(|e| io_reason(&e))?;
            if buf.len() as u64 > max {
                return Err(format!("standard input is over the limit of {max} bytes (raise it with --max-file-size)"));
            }
            Ok(buf)
        }
        Input::File(p) => {
            let meta = std::fs::metadata(p).map_err(|e| io_reason(&e))?;
            if meta.len() > max {
                return Err(crate::source::SourceError::TooLarge {
                    size: meta.len(),
                    limit: max,
                }
                .to_string());
            }
            // Bounded: a device or pipe (`/dev/zero`, `<(curl ...)`) has no
            // size in its metadata and would be read until memory runs out.
            let mut buf = Vec::new();
            std::fs::File::open(p)
                .and_then(|f| f.take(max.saturating_add(1)).read_to_end(&mut buf))
                .map_err(|e| io_reason(&e))?;
            if buf.len() as u64 > max {
                return Err(format!(
                    "the file is over the limit of {max} bytes (raise it with --max-file-size)"
                ));
            }
            Ok(buf)
        }
    }
}

/// Lints inputs on `threads` workers; results come back in input order.
fn lint_all(
    linter: &Linter,
    inputs: &[Input],
    args: &InputArgs,
    threads: usize,
) -> Vec<Result<FileReport, FileError>> {
    let format = args.input_format.map(Format::from);
    let one = |input: &Input| -> Result<FileReport, FileError> {
        let name = input.name();
        let bytes = read_input(input, args.max_file_size).map_err(|message| FileError {
            path: name.clone(),
            message,
        })?;
        linter
            .lint_bytes(&name, &bytes, format)
            .map_err(|e| FileError {
                path: name.clone(),
                message: e.to_string(),
            })
    };
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
    let mut linter = Linter::builtin();
    linter.engine = engine;
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
    let threshold = match fail_threshold(&args, cfg.as_ref()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let mut errors = Vec::new();
    let inputs = collect_inputs(&args.input, &mut errors);
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let mut files = Vec::new();
    for r in lint_all(&linter, &inputs, &args.input, threads) {
        match r {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    let lang = linter.options.lang.clone();
    let stdout = std::io::stdout();
    let write_result = match args.format {
        OutputFormat::Human => {
            eprint_errors(&errors);
            let mut w = StandardStream::stdout(color_choice(args.color));
            let mut res = Ok(());
            for f in &files {
                if let Err(e) = report::human::render(&mut w, f, &lang) {
                    res = Err(e);
                    break;
                }
            }
            let t = report::totals(&files, &errors);
            res.and_then(|_| writeln!(w, "{}", report::human::summary(&t, &errors, &lang)))
        }
        OutputFormat::Json => {
            let v = report::json::check(&files, &errors);
            eprint_errors(&errors);
            writeln!(
                stdout.lock(),
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            )
        }
        OutputFormat::Sarif => {
            eprint_errors(&errors);
            let v = report::sarif::render(&files, &linter.engine, &lang);
            writeln!(
                stdout.lock(),
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            )
        }
        OutputFormat::Github => {
            eprint_errors(&errors);
            let mut s = report::github::render(&files);
            for e in &errors {
                s.push_str(&format!("::error file={}::{}\n", e.path, e.message));
            }
            write!(stdout.lock(), "{s}")
        }
        OutputFormat::Concise => {
            eprint_errors(&errors);
            write!(stdout.lock(), "{}", report::concise::render(&files))
        }
    };
    if let Err(e) = write_result {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write output: {e}");
            return 2;
        }
    }
    if !errors.is_empty() {
        return 2;
    }
    let failed = threshold.is_some_and(|t| {
        files
            .iter()
            .any(|f| f.result.diagnostics.iter().any(|d| d.severity >= t))
    });
    i32::from(failed)
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
        let res = read_input(input, args.input.max_file_size)
            .and_then(|b| crate::source::SourceText::decode(&b).map_err(|e| e.to_string()));
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
