//! One type per StepPay `data` schema, with their nested types and enumerations.
//!
//! Every type here is re-exported at the crate root.

mod cover;
mod customer;
mod enums;
mod invoice;
mod order;
mod payment;
mod price;
mod product;
mod shipping;
mod subscription;
mod usage;

pub use cover::Cover;
pub use customer::Customer;
pub use enums::*;
pub use invoice::Invoice;
pub use order::{DemoCycle, Order, OrderItem, Region};
pub use payment::{Cancel, NiceCms, Payer, Payment, VBank};
pub use price::{
    Claim, Interval, Plan, Price, PriceAdditionalBilling, PriceAdditionalBillingRange, PriceBundle,
    PriceOption, SetupOption,
};
pub use product::{Product, ProductCategory, ProductOption, ProductOptionGroup};
pub use shipping::Shipping;
pub use subscription::{Period, Subscription, SubscriptionItem, SubscriptionPaymentMethod};
pub use usage::{RecordQuota, Usage};
