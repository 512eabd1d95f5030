//! Captures the crate's `tracing` events per test: a global subscriber keeps every event
//! emitted inside a `capture` span, filed under that span's id, so that tests running at the
//! same time (and servers on other threads) do not mix their records.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Level, Span, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// One captured event: its level, target and fields (the message under `message`).
#[derive(Clone, Debug, PartialEq)]
pub struct LogRecord {
    pub level: Level,
    pub target: String,
    pub fields: BTreeMap<String, String>,
}

impl LogRecord {
    /// A field's value as text (strings without quotes).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// Every field, for checking that nothing secret or personal appears anywhere.
    pub fn text(&self) -> String {
        format!("{:?}", self.fields)
    }
}

/// The records of one test.
pub struct Capture {
    id: u64,
    span: Span,
}

impl Capture {
    /// A new capture; events inside [`Capture::span`] are filed under it.
    pub fn new() -> Self {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            let subscriber = tracing_subscriber::registry().with(CaptureLayer);
            tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
        });
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let span = tracing::info_span!("capture", id);
        Self { id, span }
    }

    /// The span to run the code under test in.
    pub fn span(&self) -> Span {
        self.span.clone()
    }

    /// Removes and returns the records captured so far, oldest first.
    pub fn take(&self) -> Vec<LogRecord> {
        let mut all = RECORDS.lock().expect("records lock");
        let (mine, others) = std::mem::take(&mut *all)
            .into_iter()
            .partition(|(id, _)| *id == self.id);
        *all = others;
        mine.into_iter().map(|(_, record)| record).collect()
    }
}

static RECORDS: Mutex<Vec<(u64, LogRecord)>> = Mutex::new(Vec::new());

/// The capture id stored in a `capture` span's extensions.
struct CaptureId(u64);

struct CaptureLayer;

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for CaptureLayer {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != "capture" {
            return;
        }
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        let capture = fields.0.get("id").and_then(|id| id.parse().ok());
        if let (Some(capture), Some(span)) = (capture, ctx.span(id)) {
            span.extensions_mut().insert(CaptureId(capture));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let Some(scope) = ctx.event_scope(event) else {
            return;
        };
        let Some(capture) = scope
            .into_iter()
            .find_map(|span| span.extensions().get::<CaptureId>().map(|id| id.0))
        else {
            return;
        };
        let mut fields = Fields::default();
        event.record(&mut fields);
        let record = LogRecord {
            level: *event.metadata().level(),
            target: event.metadata().target().to_owned(),
            fields: fields.0,
        };
        RECORDS
            .lock()
            .expect("records lock")
            .push((capture, record));
    }
}

#[derive(Default)]
struct Fields(BTreeMap<String, String>);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}
