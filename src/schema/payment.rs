//! [`Payment`] (events `payment.*`).

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{BankCode, CmsStatus, PaymentGateway, PaymentMethod, PaymentStatus};
use crate::serde_util::{decimal, id};
use crate::DateTime;

/// A payment: the data of `payment.completed`, `.failed`, `.canceled` and `.standby`.
///
/// # Required fields
///
/// Only `payment_id`, `id_key` and `status`: the payment's identifiers (StepPay's payment number
/// and the key its payment API and v1 notifications look a payment up by) and where it stands.
/// `paid_amount` stays optional because StepPay's page marks it nullable (a failed or pending
/// payment has none). Everything else reads as `None` when StepPay leaves it out or sends
/// `null`; StepPay's real deliveries leave out null fields (a captured `payment.completed` has
/// no `errorMessage`, `vBank` or `niceCms` keys at all).
///
/// # Both spellings
///
/// `vBank` also reads from `vbank` (how StepPay's Java backend may render it); serializing
/// writes `vBank`.
///
/// # Examples
///
/// ```
/// use steppay_webhook::{parse_webhook, Event, PaymentStatus};
///
/// let body = br#"{"timestamp":1795046400,"version":"v1","event":"payment.completed","data":{
///   "paymentId":7,"idKey":"16057932413479698c8vqQG0kMix9","status":"COMPLETE",
///   "paymentGateway":"TOSS","paymentMethod":"CARD","paidAmount":9900,"orderId":12345}}"#;
/// let Event::PaymentCompleted(payment) = parse_webhook(body)?.event else { unreachable!() };
/// assert_eq!(payment.status, PaymentStatus::Complete);
/// assert_eq!(payment.order_id.as_deref(), Some("12345"));
/// assert_eq!(payment.paid_amount, Some(rust_decimal::Decimal::new(9900, 0)));
/// assert!(payment.v_bank.is_none() && payment.error_message.is_none());
/// # Ok::<(), steppay_webhook::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    /// StepPay payment number (required).
    pub payment_id: i64,
    /// Payment key (required).
    #[serde(deserialize_with = "id::deserialize")]
    pub id_key: String,
    /// Order number; the merchant's own order number when `payment_only`.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub order_id: Option<String>,
    /// Customer number; the merchant's own customer number when `payment_only`.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub customer_id: Option<String>,
    /// Who paid.
    pub payer: Option<Payer>,
    /// Product name.
    pub product_name: Option<String>,
    /// Amount paid.
    #[serde(default, with = "decimal::option")]
    pub paid_amount: Option<Decimal>,
    /// When it was paid.
    pub paid_at: Option<DateTime>,
    /// Current state (required).
    pub status: PaymentStatus,
    /// Payment gateway.
    pub payment_gateway: Option<PaymentGateway>,
    /// Payment method.
    pub payment_method: Option<PaymentMethod>,
    /// Whether this is a payment-only integration.
    pub payment_only: Option<bool>,
    /// Error message, set on failure.
    pub error_message: Option<String>,
    /// Cancellation details.
    pub cancel: Option<Cancel>,
    /// Virtual bank account details (also read from `vbank`).
    #[serde(alias = "vbank")]
    pub v_bank: Option<VBank>,
    /// Bank-account (CMS) debit details.
    pub nice_cms: Option<NiceCms>,
}

/// Who paid. Every field is optional (StepPay's page marks them all nullable).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payer {
    /// Name.
    pub user_name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
}

/// Cancellation details of a [`Payment`].
///
/// `canceled_amount` is required: it is what the object is about (StepPay sends
/// `{"canceledAmount": 0}` even on a completed payment).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cancel {
    /// Amount canceled so far (required).
    #[serde(with = "decimal")]
    pub canceled_amount: Decimal,
    /// When the last cancellation happened.
    pub last_canceled_date: Option<DateTime>,
}

/// A virtual bank account issued for a deposit.
///
/// Every field is optional: a missing part of the account details must not cost the payment
/// event, whose identifiers and status are what a receiver needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VBank {
    /// Bank code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub bank_code: Option<String>,
    /// Bank name.
    pub bank_name: Option<String>,
    /// Account number.
    pub account_number: Option<String>,
    /// Account holder name.
    pub account_name: Option<String>,
    /// Deposit deadline.
    pub bank_date: Option<DateTime>,
}

/// Bank-account (CMS) debit details.
///
/// Several fields are personal data; the `Debug` output masks the registration, social
/// security and account numbers so that logging an event does not leak them.
///
/// Every field is optional: a missing part of the debit details must not cost the payment
/// event, whose identifiers and status are what a receiver needs.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NiceCms {
    /// Person in charge at the company.
    pub corporate_manager: Option<String>,
    /// Company name.
    pub company_name: Option<String>,
    /// Company registration number (personal data).
    pub company_registration_number: Option<String>,
    /// Account holder's social security number (personal data).
    pub account_holder_social_security_number: Option<String>,
    /// Bank.
    pub bank_code: Option<BankCode>,
    /// Account number (personal data).
    pub bank_account: Option<String>,
    /// When `status` happened.
    pub date: Option<DateTime>,
    /// Debit state.
    pub status: Option<CmsStatus>,
    /// Error returned by the bank, if any.
    pub error_return: Option<String>,
}

impl fmt::Debug for NiceCms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MASK: &str = "<redacted>";
        f.debug_struct("NiceCms")
            .field("corporate_manager", &self.corporate_manager)
            .field("company_name", &self.company_name)
            .field(
                "company_registration_number",
                &self.company_registration_number.as_ref().map(|_| MASK),
            )
            .field(
                "account_holder_social_security_number",
                &self
                    .account_holder_social_security_number
                    .as_ref()
                    .map(|_| MASK),
            )
            .field("bank_code", &self.bank_code)
            .field("bank_account", &self.bank_account.as_ref().map(|_| MASK))
            .field("date", &self.date)
            .field("status", &self.status)
            .field("error_return", &self.error_return)
            .finish()
    }
}
