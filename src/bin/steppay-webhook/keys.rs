//! The key to sign or verify with: `--secret`, `STEPPAY_WEBHOOK_SECRET`, or the
//! development-only key when asked for by name. Never a silent fallback.

use crate::args::KeyArgs;
use crate::exit::Failure;
use crate::output;

/// The environment variable that holds the key.
pub const SECRET_ENV: &str = "STEPPAY_WEBHOOK_SECRET";

/// DEVELOPMENT ONLY, published in this source: the key of the crate's example receivers,
/// used only with `--dev-key`.
pub const DEV_KEY: &str = "whsec_development_only_not_a_real_key";

impl KeyArgs {
    /// The key: `--dev-key`, else `--secret`, else `STEPPAY_WEBHOOK_SECRET`; `purpose` says
    /// what it is for in the error when there is none ("sign", "verify").
    pub fn resolve(&self, purpose: &str) -> Result<String, Failure> {
        if self.dev_key {
            output::warning(&format!(
                "using the DEVELOPMENT-ONLY key {DEV_KEY:?}; never in production"
            ));
            return Ok(DEV_KEY.to_owned());
        }
        if let Some(secret) = &self.secret {
            if secret.trim().is_empty() {
                return Err(Failure::Usage("--secret is empty".to_owned()));
            }
            return Ok(secret.clone());
        }
        match std::env::var(SECRET_ENV) {
            Ok(secret) if !secret.trim().is_empty() => Ok(secret),
            _ => Err(Failure::Usage(format!(
                "no key to {purpose} with: pass --secret KEY or set {SECRET_ENV} to the key \
                 from the webhook's page in the StepPay portal, or pass --dev-key to use the \
                 development-only key"
            ))),
        }
    }
}
