//! Running the built `steppay-webhook` tool (feature `cli`) to its end.

use std::process::Stdio;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

/// The built tool, with no key, no inbox database and no colour setting inherited from the
/// environment.
pub fn tool() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_steppay-webhook"));
    command
        .env_remove("STEPPAY_WEBHOOK_SECRET")
        .env_remove("STEPPAY_INBOX_DB")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("NO_COLOR")
        .kill_on_drop(true);
    command
}

/// What a finished run printed, and its exit status.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn raw(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Asserts the exit status and that standard output holds `text`.
    #[track_caller]
    pub fn assert_stdout(&self, code: i32, text: &str) {
        self.assert_output(code, &self.stdout, text);
    }

    /// Asserts the exit status and that standard error holds `text`.
    #[track_caller]
    pub fn assert_stderr(&self, code: i32, text: &str) {
        self.assert_output(code, &self.stderr, text);
    }

    #[track_caller]
    fn assert_output(&self, code: i32, output: &str, text: &str) {
        assert_eq!(self.code, code, "{self:?}");
        assert!(output.contains(text), "no {text:?} in:\n{output}");
    }
}

/// Asserts that `output` holds every one of `texts`.
#[track_caller]
pub fn assert_holds_all(output: &str, texts: &[&str]) {
    for text in texts {
        assert!(output.contains(text), "no {text:?} in:\n{output}");
    }
}

/// Runs the tool with `args` (standard input: `stdin`, or none) and waits for it.
pub async fn run(args: &[&str], stdin: Option<&[u8]>) -> Run {
    run_command(tool(), args, stdin).await
}

/// Runs `command` (from [`tool`], with more settings) with `args` and waits for it.
pub async fn run_command(mut command: Command, args: &[&str], stdin: Option<&[u8]>) -> Run {
    command
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the tool starts");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(input).await.expect("write stdin");
        drop(pipe);
    }
    let output = child.wait_with_output().await.expect("the tool ends");
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// Fails when `out` holds a terminal escape code (piped output must be plain).
pub fn assert_no_escape_codes(out: &Run) {
    assert!(
        !out.raw().contains('\u{1b}'),
        "escape codes in piped output: {out:?}"
    );
}
